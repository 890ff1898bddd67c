/** Public entry of the orders service: open and migrate its database, build its HTTP app, and its contract. */
export * from './contract';
export { openOrdersDb, OrdersDbUrlError, type OrdersDbOptions } from './db/db';
export { migrateOrders, ORDERS_MIGRATIONS_TABLE } from './db/migrate';
export { createKnexOrdersRepository } from './db/knex-repository';
export type { OrdersRepository, BatchResult, IdempotencyRecord } from './db/repository';
export { createOrdersApp, type OrdersAppDeps } from './http/app';
export type { OrdersLogger } from './http/logger';
export { SHADOW_HEADER } from './http/shadow';
export { createHttpCatalogClient, CatalogUnavailableError, type CatalogClient, type HttpCatalogOptions } from './catalog-client';
export { startOrdersServer, type RunningServer } from './runtime/server';
