import type { NamedMigration } from '../../../../../platform';
import { m001Orders } from './m001-orders';
import { m002CheckoutSaga } from './m002-checkout-saga';

/** In apply order; names are recorded in the migrations table, so never rename one. */
export const ORDERS_MIGRATIONS: readonly NamedMigration[] = [m001Orders, m002CheckoutSaga];
