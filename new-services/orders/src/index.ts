/** Public entry of the orders service: migrate its database (opened through platform/), build its HTTP app, and its contract. */
export * from './contract';
export { migrateOrders, ORDERS_MIGRATIONS_TABLE } from './db/migrate';
export { createKnexOrdersRepository } from './db/knex-repository';
export type { OrdersRepository, BatchResult, IdempotencyRecord } from './db/repository';
export { createOrdersApp, createOrdersService, type OrdersAppDeps, type OrdersService } from './http/app';
export { createHttpInventoryClient, InventoryUnavailableError, type InventoryClient, type HttpInventoryOptions } from './inventory-client';
export type { Checkout } from './saga/checkout';
export type { CheckoutResult } from './saga/results';
export { DEFAULT_RETRY, type RetryPolicy } from './saga/backoff';
export { T as ORDERS_TABLES } from './db/tables';
export { SHADOW_HEADER } from '../../../platform';
export { createHttpCatalogClient, CatalogUnavailableError, type CatalogClient, type HttpCatalogOptions } from './catalog-client';
