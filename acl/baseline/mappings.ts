import type { MappingSpec } from '../src/mapping';

/** Not a bounded context: mappings that translate nothing, for measuring and checking the ACL itself. */
export const baselineMappings: readonly MappingSpec[] = [{ name: 'baseline/identity', file: 'baseline/identity.jsonata' }];
