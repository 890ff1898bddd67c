import type { CatalogClient } from '../catalog-client';
import type { OrdersRepository } from '../db/repository';
import type { Logger } from '../../../../platform';

/** What the route handlers are built from, resolved once by createOrdersApp. */
export interface HandlerDeps {
  repo: OrdersRepository;
  catalog: CatalogClient;
  logger: Logger;
  clock: () => Date;
}
