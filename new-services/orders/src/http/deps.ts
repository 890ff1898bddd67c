import type { CatalogClient } from '../catalog-client';
import type { OrdersRepository } from '../db/repository';
import type { SagaLog } from '../db/saga-log';
import type { Checkout } from '../saga/checkout';
import type { Logger } from '../../../../platform';

/** What the route handlers are built from, resolved once by createOrdersService. */
export interface HandlerDeps {
  repo: OrdersRepository;
  sagas: SagaLog;
  catalog: CatalogClient;
  checkout: Checkout;
  logger: Logger;
  clock: () => Date;
}
