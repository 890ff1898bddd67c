import type { Knex } from 'knex';
import type { NamedMigration } from '../../../../platform';

/** Stock on hand per product; one row per product, single warehouse (the second one was never built). */
export const m003Inventory: NamedMigration = {
  name: '003_inventory',
  async up(knex: Knex): Promise<void> {
    await knex.schema.createTable('INV_BAL', (t) => {
      t.integer('PRD_ID').notNullable().primary();
      t.specificType('INV_LOC_CD', 'CHAR(3)').notNullable();
      t.integer('INV_QTY_OH').notNullable();
      t.integer('INV_QTY_RSV').notNullable();
      t.integer('INV_REORD_LVL').nullable();
      t.specificType('INV_UPD_TS', 'CHAR(14)').notNullable().index('INV_BAL_IX_UPD_TS');
    });
  },
  async down(knex: Knex): Promise<void> {
    await knex.schema.dropTableIfExists('INV_BAL');
  },
};
