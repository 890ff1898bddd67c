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

/**
 * Rows of a batch evaluated side by side. Each evaluation's time budget is wall-clock and counts
 * the time it waits while the others run, so a whole batch started at once (500 orders) shares
 * one budget: on a busy machine every row of it timed out together and was refused. A few at a
 * time still interleave jsonata's waits; the evaluation is CPU-bound, so more would buy nothing.
 */
export const TRANSLATE_IN_FLIGHT = 8;

export interface TranslatorOptions {
  readonly now?: () => Date;
  /** The mapping to run; by default `mappingName` from the shipped ACL with its default limits. */
  readonly mapping?: AclMapping;
}

type Outcome = { key: number; item: JsonValue | undefined; rejection: Rejection | undefined };

/** Compiles the mapping once per run; a broken mapping fails here, before any row moves. */
export function loadTranslator(mappingName: string, options: TranslatorOptions = {}): (records: readonly LegacyRecord[]) => Promise<Translated> {
  const mapping: AclMapping = options.mapping ?? createAcl().load(mappingName);
  const now = options.now ?? (() => new Date());
  const translateOne = async (record: LegacyRecord, at: Date): Promise<Outcome> => {
    try {
      return { key: record.key, item: await mapping.evaluate(record.json, { now: at }), rejection: undefined };
    } catch (err) {
      if (!isAclError(err)) throw err;
      const paths = err instanceof AclOutputError || err instanceof AclInputError ? err.issues.map((i) => i.path) : [];
      return { key: record.key, item: undefined, rejection: { key: record.key, code: err.code, reason: err.message, paths } };
    }
  };
  return async (records) => {
    const at = now();
    const results: Outcome[] = new Array<Outcome>(records.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < records.length) {
        const i = next++;
        results[i] = await translateOne(records[i] as LegacyRecord, at);
      }
    };
    await Promise.all(Array.from({ length: Math.min(TRANSLATE_IN_FLIGHT, records.length) }, worker));
    const out: Translated = { accepted: [], rejected: [] };
    for (const r of results) {
      if (r.rejection !== undefined) out.rejected.push(r.rejection);
      else if (r.item !== undefined) out.accepted.push({ key: r.key, item: r.item });
    }
    return out;
  };
}
