import type { Knex } from 'knex';
import type { NamedMigration } from '../../../../../platform';
import { MAX_IDEMPOTENCY_KEY_LENGTH, T } from '../tables';

/**
 * The checkout saga's log, in the orders database beside the orders it drives: one row per saga
 * (its state, whether it is stuck, why it ended) and one per step (reserve each line, confirm,
 * commit each line) with its state and attempts. A process that dies mid-saga finds here, when
 * it starts again, every saga it did not finish. Rejected orders keep their reason.
 */
export const m002CheckoutSaga: NamedMigration = {
  name: '002_checkout_saga',
  async up(knex: Knex): Promise<void> {
    await knex.schema.alterTable(T.orders, (t) => {
      t.string('rejection_reason', 500).nullable();
    });
    await knex.schema.createTable(T.sagas, (t) => {
      t.string('id', 36).primary();
      t.integer('order_id').unsigned().notNullable().index('order_sagas_ix_order');
      t.string('idem_key', MAX_IDEMPOTENCY_KEY_LENGTH).nullable();
      t.string('state', 16).notNullable().index('order_sagas_ix_state');
      t.boolean('stuck').notNullable().defaultTo(false);
      t.string('reason', 500).nullable();
      t.string('created_at', 24).notNullable();
      t.string('updated_at', 24).notNullable();
    });
    await knex.schema.createTable(T.sagaSteps, (t) => {
      t.string('saga_id', 36).notNullable().references('id').inTable(T.sagas).onDelete('CASCADE');
      t.integer('step_no').notNullable();
      t.string('name', 40).notNullable();
      t.string('state', 16).notNullable();
      t.integer('attempts').notNullable().defaultTo(0);
      t.string('last_error', 500).nullable();
      t.string('updated_at', 24).notNullable();
      t.primary(['saga_id', 'step_no']);
    });
  },
  async down(knex: Knex): Promise<void> {
    await knex.schema.dropTableIfExists(T.sagaSteps);
    await knex.schema.dropTableIfExists(T.sagas);
    await knex.schema.alterTable(T.orders, (t) => {
      t.dropColumn('rejection_reason');
    });
  },
};
