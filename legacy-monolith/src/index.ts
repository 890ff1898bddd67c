/** Public entry of the legacy monolith: open its database, migrate, seed, and build its HTTP app. */
export { openLegacyDb, LegacyDbUrlError } from './data/db';
export { migrateLegacy } from './data/migrate';
export { seedLegacy, isLegacySeeded, LegacySeedError, type SeedOptions, type SeedSummary } from './data/seed';
export { createLegacyApp, type LegacyAppDeps } from './http/app';
export type { LegacyLogger } from './http/logger';
