/**
 * What the gateway needs of an anti-corruption-layer mapping. The composition root adapts the
 * ACL's public entry to this, so the pipeline depends on a narrow contract, not on the ACL.
 */
export interface TranslationMapping {
  readonly name: string;
  /**
   * Maps one parsed JSON document; rejects with a TranslationError. `dropped` hears, before the
   * promise settles, of the list items the mapping's `drop` policy left out (only when there were any).
   */
  evaluate(input: unknown, now: Date, dropped?: (items: readonly DroppedItem[]) => void): Promise<unknown>;
}

/** A list item left out of a translated page (the ACL's `drop` policy): the legacy row's key and why it was refused. */
export interface DroppedItem {
  readonly key: unknown;
  /** Field paths within the item, e.g. `status`. */
  readonly paths: readonly string[];
  readonly reason: string;
}

/** A field-level problem, e.g. `{ path: "lines[0].quantity", message: "must be at least 1" }`. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Why a translation failed. `input`: the client's body does not fit the new contract (400).
 * `output` / `runtime` / `timeout`: the mapping could not make a valid answer (502).
 */
export class TranslationError extends Error {
  constructor(
    readonly kind: 'input' | 'output' | 'runtime' | 'timeout',
    readonly mapping: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** Resolves (and compiles, once) a mapping by name at table load; throws with the compile error and position. */
export type MappingResolver = (name: string) => TranslationMapping;
