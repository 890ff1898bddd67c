import { StockPageSchema, StockSchema } from '../../new-services/inventory/src/contract';
import { isPage } from '../src/page-shape';
import type { MappingSpec } from '../src/mapping';
import { LegacyStockPageSchema, LegacyStockSchema } from './legacy-shapes';

/** True when a legacy-shaped answer is a page (`ROWS` present). */
function isLegacyPage(answer: unknown): boolean {
  return typeof answer === 'object' && answer !== null && !Array.isArray(answer) && 'ROWS' in answer;
}

/** The Inventory context's mappings: the monolith's INV_BAL read in the new contract, and back. */
export const inventoryMappings: readonly MappingSpec[] = [
  {
    name: 'inventory/stock-read',
    file: 'inventory/stock-read.jsonata',
    output: (answer) => (isPage(answer) ? StockPageSchema : StockSchema),
  },
  {
    name: 'inventory/stock-to-legacy',
    file: 'inventory/stock-to-legacy.jsonata',
    output: (answer) => (isLegacyPage(answer) ? LegacyStockPageSchema : LegacyStockSchema),
  },
];
