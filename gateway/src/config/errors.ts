/** One problem in a route table, located by JSON path (or file:line:column for syntax errors). */
export interface TableIssue {
  readonly path: string;
  readonly message: string;
}

/** A refused route table: carries every issue found, not just the first. */
export class RouteTableError extends Error {
  readonly code = 'E_ROUTE_TABLE';
  constructor(
    readonly source: string,
    readonly issues: readonly TableIssue[],
  ) {
    super(`${source}: route table refused, ${issues.length} error${issues.length === 1 ? '' : 's'}:\n` + issues.map((i) => `  ${i.path}: ${i.message}`).join('\n'));
  }
}

export function isRouteTableError(e: unknown): e is RouteTableError {
  return e instanceof RouteTableError;
}

/** `routes[2].legacy.upstream` from zod's path array. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(root)' : out;
}
