import type { Knex } from 'knex';
import type { NamedMigration } from '../../../../platform';

/** Products and customers: the two master tables everything else hangs off. */
export const m001Catalog: NamedMigration = {
  name: '001_catalog_and_customers',
  async up(knex: Knex): Promise<void> {
    await knex.schema.createTable('PRD_MSTR', (t) => {
      t.increments('PRD_ID').primary();
      t.string('PRD_SKU', 20).notNullable().unique('PRD_MSTR_UX_SKU');
      t.string('PRD_NM', 80).notNullable();
      t.string('PRD_DSC', 255).nullable();
      t.string('PRD_CAT_CD', 4).nullable();
      t.decimal('PRD_PRC', 12, 2).notNullable();
      t.specificType('PRD_STS', 'CHAR(1)').notNullable();
      t.specificType('PRD_UPD_TS', 'CHAR(14)').notNullable().index('PRD_MSTR_IX_UPD_TS');
      // Set on a handful of rows by a 2012 batch job; nobody remembers what it meant, nobody dares drop it.
      t.specificType('PRD_FLG_X', 'CHAR(1)').nullable();
    });
    await knex.schema.createTable('CUST_MSTR', (t) => {
      t.increments('CUST_ID').primary();
      t.string('CUST_NO', 10).notNullable().unique('CUST_MSTR_UX_NO');
      t.string('CUST_FRST_NM', 40).notNullable();
      t.string('CUST_LST_NM', 40).notNullable();
      t.string('CUST_EMAIL', 120).nullable();
      t.string('CUST_PHN', 20).nullable();
      t.specificType('CUST_STS', 'CHAR(1)').notNullable();
      t.specificType('CUST_CRT_DT', 'CHAR(8)').notNullable();
      t.specificType('CUST_UPD_TS', 'CHAR(14)').notNullable().index('CUST_MSTR_IX_UPD_TS');
    });
  },
  async down(knex: Knex): Promise<void> {
    await knex.schema.dropTableIfExists('CUST_MSTR');
    await knex.schema.dropTableIfExists('PRD_MSTR');
  },
};
