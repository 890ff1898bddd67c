/** Public entry of the inventory service: its contract, its migrations (its database is opened through platform/), its HTTP app and its expiry sweep. */
export * from './contract';
export { migrateInventory, INVENTORY_MIGRATIONS_TABLE } from './db/migrate';
export { createKnexInventoryRepository } from './db/knex-repository';
export type { InventoryRepository, ReserveRequest, ReserveOutcome, BatchResult } from './db/repository';
export { createInventoryApp, DEFAULT_TTL_SECONDS, type InventoryAppDeps } from './http/app';
export { SHADOW_HEADER } from '../../../platform';
export { startExpirySweep, type ExpirySweep, type ExpirySweepOptions } from './expiry';
