import type { NamedMigration } from '../../../../platform';
import { m001Catalog } from './m001-catalog';
import { m002Orders } from './m002-orders';
import { m003Inventory } from './m003-inventory';

/** In apply order; names are recorded in the migrations table, so never rename one. */
export const LEGACY_MIGRATIONS: readonly NamedMigration[] = [m001Catalog, m002Orders, m003Inventory];
