import type { Knex } from 'knex';
import type { NamedMigration } from '../../../../../platform';

export const PRODUCTS_TABLE = 'products';

/** The product aggregate in one table: money as integer minor units, the version beside the body. */
export const m001Products: NamedMigration = {
  name: '001_products',
  async up(knex: Knex): Promise<void> {
    await knex.schema.createTable(PRODUCTS_TABLE, (t) => {
      // Ids come from the legacy shop through the backfill, so they are assigned by the caller, never generated.
      t.bigInteger('id').notNullable().primary();
      t.string('sku', 64).notNullable().unique({ indexName: 'products_ux_sku' });
      t.string('name', 200).notNullable();
      t.text('description').nullable();
      t.bigInteger('price_amount').notNullable();
      t.string('price_currency', 3).notNullable();
      t.string('status', 16).notNullable();
      // Kept as the client wrote it (ISO-8601 Z) so GET answers exactly what was PUT on both databases.
      t.string('updated_at', 24).notNullable();
      t.integer('version').notNullable();
    });
  },
  async down(knex: Knex): Promise<void> {
    await knex.schema.dropTableIfExists(PRODUCTS_TABLE);
  },
};
