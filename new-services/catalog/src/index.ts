/** Public entry of the catalog service: its contract, its database, its migrations and its HTTP app. */
export * from './contract';
export { openCatalogDb, CatalogDbUrlError, type CatalogDbOptions } from './db/db';
export { migrateCatalog, CATALOG_MIGRATIONS_TABLE } from './db/migrate';
export { createKnexProductRepository, type ProductRepository, type PageRequest, type UpsertOptions, type UpsertResult } from './db/repository';
export { createCatalogApp, type CatalogAppDeps } from './http/app';
export { SHADOW_HEADER } from './http/shadow';
export { silentLogger, type CatalogLogger } from './http/logger';
export type { StoredProduct, UpsertOutcome } from './domain/product';
