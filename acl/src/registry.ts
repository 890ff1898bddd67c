import { baselineMappings } from '../baseline/mappings';
import { catalogMappings } from '../catalog/mappings';
import { inventoryMappings } from '../inventory/mappings';
import { ordersMappings } from '../orders/mappings';
import type { MappingSpec } from './mapping';

/** Every mapping the ACL ships, by name; one entry list per bounded context. */
export const MAPPINGS: ReadonlyMap<string, MappingSpec> = new Map(
  [...catalogMappings, ...ordersMappings, ...inventoryMappings, ...baselineMappings].map((spec) => [spec.name, spec]),
);
