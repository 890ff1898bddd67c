import type { Router } from 'express';
import type { Knex } from 'knex';
import { T } from '../db/tables';
import { customerShape, inventoryShape, productShape } from './shapes';
import { tableRouter } from './table-router';

/** `/api/products`: the product master (PRD_MSTR), paged by PRD_ID. */
export function productsRouter(db: Knex): Router {
  return tableRouter(db, {
    table: T.product, key: 'PRD_ID', shape: productShape, notFoundCode: 'PRD_NOT_FND', noun: 'product',
  });
}

/** `/api/customers`: the customer master (CUST_MSTR), paged by CUST_ID. */
export function customersRouter(db: Knex): Router {
  return tableRouter(db, {
    table: T.customer, key: 'CUST_ID', shape: customerShape, notFoundCode: 'CUST_NOT_FND', noun: 'customer',
  });
}

/** `/api/inventory`: stock balances (INV_BAL), keyed and paged by product id. */
export function inventoryRouter(db: Knex): Router {
  return tableRouter(db, {
    table: T.inventory, key: 'PRD_ID', shape: inventoryShape, notFoundCode: 'INV_NOT_FND', noun: 'inventory for product',
  });
}
