import type { Knex } from 'knex';
import { MAX_IDEMPOTENCY_KEY_LENGTH, T } from '../tables';
import type { NamedMigration } from '../../../../../platform';

/**
 * Orders, their lines, and idempotency records. Money is integer minor units; the currency is
 * stored once per order because the domain allows only one. Instants are kept as the ISO-8601
 * text the API speaks, so a backfilled order reads back byte for byte on SQLite and MySQL alike.
 */
export const m001Orders: NamedMigration = {
  name: '001_orders',
  async up(knex: Knex): Promise<void> {
    await knex.schema.createTable(T.orders, (t) => {
      t.increments('id').primary();
      t.integer('customer_id').notNullable().index('orders_ix_customer');
      t.string('status', 16).notNullable();
      t.string('note', 1000).nullable();
      t.bigInteger('total_amount').notNullable();
      t.specificType('currency', 'CHAR(3)').notNullable();
      t.string('placed_at', 24).notNullable();
      t.string('updated_at', 24).notNullable();
    });
    await knex.schema.createTable(T.lines, (t) => {
      t.integer('order_id').unsigned().notNullable().references('id').inTable(T.orders).onDelete('CASCADE');
      t.integer('line_no').notNullable();
      t.integer('product_id').notNullable().index('order_lines_ix_product');
      t.integer('quantity').notNullable();
      t.bigInteger('unit_price').notNullable();
      t.bigInteger('amount').notNullable();
      t.primary(['order_id', 'line_no']);
    });
    await knex.schema.createTable(T.idempotency, (t) => {
      // The primary key is what makes two concurrent POSTs with one key produce one order.
      t.string('idem_key', MAX_IDEMPOTENCY_KEY_LENGTH).primary();
      t.specificType('request_hash', 'CHAR(64)').notNullable();
      t.integer('order_id').unsigned().nullable();
      t.integer('response_status').notNullable();
      t.text('response_body').notNullable();
      t.string('created_at', 24).notNullable();
    });
  },
  async down(knex: Knex): Promise<void> {
    await knex.schema.dropTableIfExists(T.idempotency);
    await knex.schema.dropTableIfExists(T.lines);
    await knex.schema.dropTableIfExists(T.orders);
  },
};
