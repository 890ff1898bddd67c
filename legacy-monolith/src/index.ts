/** Public entry of the legacy monolith: open its database, migrate, seed, and build its HTTP app. */
export { openLegacyDb, LegacyDbUrlError } from './db/db';
export { migrateLegacy } from './db/migrate';
export { seedLegacy, isLegacySeeded, LegacySeedError, type SeedOptions, type SeedSummary } from './db/seed';
export { createLegacyApp, type LegacyAppDeps } from './http/app';
export type { LegacyLogger } from './http/logger';
