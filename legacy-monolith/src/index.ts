/** Public entry of the legacy monolith: migrate and seed its database (opened through platform/), and build its HTTP app. */
export { migrateLegacy, LEGACY_MIGRATIONS_TABLE } from './db/migrate';
export { seedLegacy, isLegacySeeded, formatSeedProgress, LegacySeedError, type SeedOptions, type SeedProgress, type SeedSummary } from './db/seed';
export { createLegacyApp, type LegacyAppDeps } from './http/app';
