/**
 * The data tools' public entry: backfill, verify and sync move one bounded context's legacy rows
 * into its new service, through the ACL mappings and the service's batch API only.
 */
export { backfill, describeBackfill, DEFAULT_BATCH_SIZE, type BackfillOptions, type BackfillResult } from './backfill';
export { verify, describeVerify, MAX_EXAMPLES, type VerifyOptions, type VerifyResult, type Finding } from './verify';
export { sync, describeSync, DEFAULT_OVERLAP_SECONDS, type SyncOptions, type SyncResult, type SyncState } from './sync';
export { readCheckpoint, checkpointFile, type Checkpoint, type Counters } from './checkpoint';
export { CONTEXTS, isContextName, type ContextName, type MovementContext } from './contexts';
export { MovementError, isMovementError, type MovementErrorCode } from './errors';
export { legacyProduct, legacyOrder, legacyOrderHeader, legacyOrderLine, legacyStock, type LegacyJson, type LegacyOrderJson } from './legacy-json';
export { canonicalJson, checksum } from './canonical';
export type { RetryOptions } from './retry';
export { recordVerify, readFreshness, verifyRecordFile, VerifyRecordSchema, type VerifyRecord, type DataFreshness } from './freshness';
