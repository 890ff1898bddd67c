/** A conditional write whose condition did not hold (stale If-Match, If-None-Match on an existing product). */
export class PreconditionFailedError extends Error {
  readonly code = 'precondition-failed';
  constructor(
    readonly id: number,
    readonly currentVersion: number | undefined,
  ) {
    super(currentVersion === undefined ? `product ${id} does not exist` : `product ${id} is at version ${currentVersion}`);
    this.name = 'PreconditionFailedError';
  }
}

/** A write that would give a SKU to a second product; SKUs identify products to people and to the legacy shop. */
export class DuplicateSkuError extends Error {
  readonly code = 'duplicate-sku';
  constructor(readonly sku: string | undefined) {
    super(sku === undefined ? 'a product with this sku already exists' : `sku ${sku} is already used by another product`);
    this.name = 'DuplicateSkuError';
  }
}

/** A batch naming the same id twice: which of the two bodies wins would be arbitrary. */
export class DuplicateIdError extends Error {
  readonly code = 'duplicate-id';
  constructor(readonly ids: readonly number[]) {
    super(`ids must be unique within a batch; repeated: ${ids.join(', ')}`);
    this.name = 'DuplicateIdError';
  }
}
