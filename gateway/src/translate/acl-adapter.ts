import { createAcl, isAclError, type Acl } from '../../../acl';
import { TranslationError, type MappingResolver } from '../config/mapping';

const KIND = {
  AclInputError: 'input',
  AclOutputError: 'output',
  AclTimeoutError: 'timeout',
} as const;

/**
 * Adapts the ACL's public entry to the gateway's TranslationMapping contract. Resolving a name
 * compiles the mapping (once, at table load), so a mapping that does not compile refuses the table
 * with the jsonata error and its position.
 */
export function aclMappings(acl: Acl = createAcl()): MappingResolver {
  return (name) => {
    const mapping = acl.load(name);
    return {
      name,
      evaluate: (input, now, dropped) =>
        mapping.translate(input, { now }).then(
          (translation) => {
            if (dropped !== undefined && translation.dropped.length > 0) dropped(translation.dropped.map(({ key, paths, reason }) => ({ key, paths, reason })));
            return translation.value;
          },
          (e: unknown) => {
            if (!isAclError(e)) throw e;
            const kind = (KIND as Record<string, TranslationError['kind']>)[e.code] ?? 'runtime';
            throw new TranslationError(kind, name, e.message, 'issues' in e ? (e.issues as TranslationError['issues']) : []);
          },
        ),
    };
  };
}
