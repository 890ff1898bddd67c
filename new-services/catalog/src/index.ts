/** Public entry of the catalog service: its contract, its migrations (its database is opened through platform/) and its HTTP app. */
export * from './contract';
export { migrateCatalog, CATALOG_MIGRATIONS_TABLE } from './db/migrate';
export { createKnexProductRepository, type ProductRepository, type PageRequest, type UpsertOptions, type UpsertResult } from './db/repository';
export { createCatalogApp, type CatalogAppDeps } from './http/app';
export { SHADOW_HEADER } from './http/shadow';
export type { StoredProduct, UpsertOutcome } from './domain/product';
