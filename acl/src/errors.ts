/** A field-level problem, e.g. `{ path: "items[3].price.amount", message: "Invalid input: expected number, received null" }`. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export type AclErrorCode = 'AclCompileError' | 'AclUnknownMappingError' | 'AclMappingError' | 'AclTimeoutError' | 'AclOutputError' | 'AclInputError';

/** Where jsonata located a problem in a mapping's source. */
export interface JsonataLocation {
  /** jsonata's own error code, e.g. `S0202` or `D3137`. */
  readonly jsonataCode: string | undefined;
  /** Character offset in the .jsonata file, when jsonata knows it. */
  readonly position: number | undefined;
}

/**
 * Base of every ACL failure. `code` names the kind (it equals the class name, so fixtures and logs
 * can name it), `status` is what an HTTP edge should answer, `mapping` which mapping failed.
 */
export abstract class AclError extends Error {
  abstract readonly code: AclErrorCode;
  abstract readonly status: number;
  constructor(
    readonly mapping: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** `position 42: S0202 Expected ")", got "]"`, leaving out what jsonata did not say. */
function located(loc: JsonataLocation, detail: string): string {
  const at = loc.position === undefined ? '' : `position ${loc.position}: `;
  return loc.jsonataCode === undefined ? `${at}${detail}` : `${at}${loc.jsonataCode} ${detail}`;
}

function listIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('; ');
}

/** A .jsonata file that does not parse (or cannot be read); raised at load, never per request. */
export class AclCompileError extends AclError {
  readonly code = 'AclCompileError';
  readonly status = 500;
  constructor(
    mapping: string,
    readonly file: string,
    readonly location: JsonataLocation,
    detail: string,
  ) {
    super(mapping, `${file}: ${located(location, detail)}`);
  }
}

/** A mapping name that is not in the registry. */
export class AclUnknownMappingError extends AclError {
  readonly code = 'AclUnknownMappingError';
  readonly status = 500;
  constructor(
    mapping: string,
    readonly known: readonly string[],
  ) {
    super(mapping, `unknown ACL mapping "${mapping}"; known mappings: ${known.join(', ')}`);
  }
}

/** The expression threw while running (`$error(...)`, a type error in a built-in...). */
export class AclMappingError extends AclError {
  readonly code = 'AclMappingError';
  readonly status = 502;
  constructor(
    mapping: string,
    readonly location: JsonataLocation,
    detail: string,
  ) {
    super(mapping, `${mapping}: ${located(location, detail)}`);
  }
}

/** A guardrail stopped the evaluation: it ran too long or recursed too deep. */
export class AclTimeoutError extends AclError {
  readonly code = 'AclTimeoutError';
  readonly status = 502;
  constructor(
    mapping: string,
    readonly guardrail: 'timeout' | 'depth',
    readonly limit: number,
  ) {
    super(
      mapping,
      guardrail === 'timeout'
        ? `${mapping}: evaluation exceeded ${limit} ms`
        : `${mapping}: evaluation exceeded a depth of ${limit} (runaway recursion?)`,
    );
  }
}

/** The mapping's answer does not fit the target schema: the legacy data could not be translated. */
export class AclOutputError extends AclError {
  readonly code = 'AclOutputError';
  readonly status = 502;
  constructor(
    mapping: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(mapping, `${mapping}: output refused by the target schema: ${listIssues(issues)}`);
  }
}

/** The client's body does not fit the new contract, checked before the mapping runs. */
export class AclInputError extends AclError {
  readonly code = 'AclInputError';
  readonly status = 400;
  constructor(
    mapping: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(mapping, `${mapping}: input refused: ${listIssues(issues)}`);
  }
}

export function isAclError(err: unknown): err is AclError {
  return err instanceof AclError;
}
