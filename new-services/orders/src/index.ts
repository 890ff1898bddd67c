/** Public entry of the orders service: migrate its database (opened through platform/), build its HTTP app, and its contract. */
export * from './contract';
export { migrateOrders, ORDERS_MIGRATIONS_TABLE } from './db/migrate';
export { createKnexOrdersRepository } from './db/knex-repository';
export type { OrdersRepository, BatchResult, IdempotencyRecord } from './db/repository';
export { createOrdersApp, type OrdersAppDeps } from './http/app';
export { SHADOW_HEADER } from './http/shadow';
export { createHttpCatalogClient, CatalogUnavailableError, type CatalogClient, type HttpCatalogOptions } from './catalog-client';
