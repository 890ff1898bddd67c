import type { NamedMigration } from '../../../../../platform';
import { m001Inventory } from './m001-inventory';

/** In apply order; names are recorded in the migrations table, so never rename one. */
export const INVENTORY_MIGRATIONS: readonly NamedMigration[] = [m001Inventory];
