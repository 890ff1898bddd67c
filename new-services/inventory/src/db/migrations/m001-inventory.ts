import type { Knex } from 'knex';
import type { NamedMigration } from '../../../../../platform';
import { T } from '../tables';

/**
 * Stock per product and the reservations that hold it. `held` is what the previous owner set
 * aside (imported), `reserved` the sum of this service's held reservations: kept apart so an
 * import never overwrites a live reservation. Instants are the ISO-8601 text the API speaks;
 * `toISOString` always writes 24 characters, so expiry compares as text on both engines.
 */
export const m001Inventory: NamedMigration = {
  name: '001_inventory',
  async up(knex: Knex): Promise<void> {
    await knex.schema.createTable(T.stock, (t) => {
      t.integer('product_id').primary();
      t.integer('on_hand').notNullable();
      t.integer('held').notNullable();
      t.integer('reserved').notNullable();
      t.string('updated_at', 24).notNullable();
    });
    await knex.schema.createTable(T.reservations, (t) => {
      t.string('id', 100).primary();
      t.integer('product_id').nullable().index('inventory_reservations_ix_product');
      t.integer('quantity').notNullable();
      t.string('state', 12).notNullable();
      t.string('expires_at', 24).nullable();
      t.string('created_at', 24).notNullable();
      t.string('updated_at', 24).notNullable();
      // The expiry sweep reads held reservations by deadline.
      t.index(['state', 'expires_at'], 'inventory_reservations_ix_due');
    });
  },
  async down(knex: Knex): Promise<void> {
    await knex.schema.dropTableIfExists(T.reservations);
    await knex.schema.dropTableIfExists(T.stock);
  },
};
