import type { NamedMigration } from '../../../../../platform';
import { m001Products } from './m001-products';

/** In apply order; names are recorded in the migrations table, so never rename one. */
export const CATALOG_MIGRATIONS: readonly NamedMigration[] = [m001Products];
