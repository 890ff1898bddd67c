import type { Knex } from 'knex';
import type { NamedMigration } from '../../../../platform';

/** Order headers and lines. No foreign keys: the original schema predates them and the data has orphans to prove it. */
export const m002Orders: NamedMigration = {
  name: '002_orders',
  async up(knex: Knex): Promise<void> {
    await knex.schema.createTable('ORD_HDR', (t) => {
      t.increments('ORD_ID').primary();
      t.integer('CUST_ID').notNullable().index('ORD_HDR_IX_CUST');
      t.specificType('ORD_DT', 'CHAR(8)').notNullable();
      t.specificType('ORD_STS', 'CHAR(1)').notNullable();
      t.decimal('ORD_TOT_AMT', 12, 2).notNullable();
      t.specificType('ORD_SHP_TS', 'CHAR(14)').nullable();
      t.string('ORD_RMK', 200).nullable();
      t.specificType('ORD_UPD_TS', 'CHAR(14)').notNullable().index('ORD_HDR_IX_UPD_TS');
    });
    await knex.schema.createTable('ORD_LN', (t) => {
      t.integer('ORD_ID').notNullable();
      t.integer('ORD_LN_NO').notNullable();
      t.integer('PRD_ID').notNullable().index('ORD_LN_IX_PRD');
      t.integer('ORD_LN_QTY').notNullable();
      t.decimal('ORD_LN_PRC', 12, 2).notNullable();
      t.decimal('ORD_LN_AMT', 12, 2).notNullable();
      t.specificType('ORD_LN_UPD_TS', 'CHAR(14)').notNullable().index('ORD_LN_IX_UPD_TS');
      t.primary(['ORD_ID', 'ORD_LN_NO']);
    });
  },
  async down(knex: Knex): Promise<void> {
    await knex.schema.dropTableIfExists('ORD_LN');
    await knex.schema.dropTableIfExists('ORD_HDR');
  },
};
