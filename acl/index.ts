/**
 * The anti-corruption layer's public entry: the only module other parts may import.
 *
 *   const acl = createAcl();
 *   const products = acl.load('catalog/product-read');      // compiled once, at load
 *   const product = await products.evaluate(legacyJson, { now: new Date() });
 */
export { createAcl, loadMapping, DEFAULT_MAX_DEPTH, DEFAULT_TIMEOUT_MS, DEFAULT_SLICE_MS, type Acl, type AclOptions } from './src/acl';
export type { AclMapping, EvaluateOptions, Translation } from './src/mapping';
export type { DroppedItem, ItemPolicy } from './src/output-check';
export { contractValidator, type OutputValidator } from './src/validation/contract-validator';
export type { JsonValue } from './src/plain-json';
export {
  AclError,
  AclCompileError,
  AclUnknownMappingError,
  AclMappingError,
  AclTimeoutError,
  AclOutputError,
  AclInputError,
  isAclError,
  type AclErrorCode,
  type FieldIssue,
  type JsonataLocation,
} from './src/errors';
export { LegacyCreateOrderSchema, type LegacyCreateOrder } from './orders/legacy-shapes';

/** The data tools (backfill, verify, sync) that move a context's legacy rows into its service through these mappings. */
export * as movement from './movement';
