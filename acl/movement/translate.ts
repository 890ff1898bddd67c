import { createAcl, isAclError, AclOutputError, AclInputError, type AclMapping, type JsonValue } from '../index';
import type { LegacyRecord } from './contexts';

/** A row the ACL would not translate: kept with its reason, never dropped silently. */
export interface Rejection {
  readonly key: number;
  /** The ACL error's code, e.g. `AclOutputError`. */
  readonly code: string;
  readonly reason: string;
  /** Field paths the target schema refused, e.g. `status`, `lines`. */
  readonly paths: readonly string[];
}

export interface Translated {
  readonly accepted: Array<{ key: number; item: JsonValue }>;
  readonly rejected: Rejection[];
}

/** Compiles the mapping once per run; a broken mapping fails here, before any row moves. */
export function loadTranslator(mappingName: string, now: () => Date = () => new Date()): (records: readonly LegacyRecord[]) => Promise<Translated> {
  const mapping: AclMapping = createAcl().load(mappingName);
  return async (records) => {
    const at = now();
    // Rows of a batch are translated concurrently: jsonata yields between steps, so they interleave cheaply.
    const results = await Promise.all(
      records.map(async (record) => {
        try {
          return { key: record.key, item: await mapping.evaluate(record.json, { now: at }), rejection: undefined };
        } catch (err) {
          if (!isAclError(err)) throw err;
          const paths = err instanceof AclOutputError || err instanceof AclInputError ? err.issues.map((i) => i.path) : [];
          const rejection: Rejection = { key: record.key, code: err.code, reason: err.message, paths };
          return { key: record.key, item: undefined, rejection };
        }
      }),
    );
    const out: Translated = { accepted: [], rejected: [] };
    for (const r of results) {
      if (r.rejection !== undefined) out.rejected.push(r.rejection);
      else if (r.item !== undefined) out.accepted.push({ key: r.key, item: r.item });
    }
    return out;
  };
}
