import { ProductPageSchema, ProductSchema } from '../../new-services/catalog/src/contract';
import { isPage } from '../src/page-shape';
import type { MappingSpec } from '../src/mapping';

/** The Catalog context's mappings. */
export const catalogMappings: readonly MappingSpec[] = [
  {
    name: 'catalog/product-read',
    file: 'catalog/product-read.jsonata',
    output: (answer) => (isPage(answer) ? ProductPageSchema : ProductSchema),
    schemas: [ProductPageSchema, ProductSchema],
    // A page leaves out the rows it cannot translate, as the catalog (after a backfill that rejected them) does.
    items: 'drop',
    rows: { list: 'ROWS', key: 'PRD_ID' },
  },
];
