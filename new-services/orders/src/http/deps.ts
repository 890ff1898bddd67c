import type { CatalogClient } from '../catalog-client';
import type { OrdersRepository } from '../db/repository';
import type { OrdersLogger } from './logger';

/** What the route handlers are built from, resolved once by createOrdersApp. */
export interface HandlerDeps {
  repo: OrdersRepository;
  catalog: CatalogClient;
  logger: OrdersLogger;
  clock: () => Date;
}
