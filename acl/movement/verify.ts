import { canonicalJson, checksum, differingFields } from './canonical';
import { CONTEXTS, type ContextName } from './contexts';
import { checkLegacySource, openLegacySource } from './legacy-source';
import type { RetryOptions } from './retry';
import { createServiceClient } from './service-client';
import { legacyEntries, serviceEntries } from './streams';
import { loadTranslator } from './translate';

/** Up to this many examples per kind: enough to start digging, small enough for a terminal. */
export const MAX_EXAMPLES = 5;
/** The services' largest page. */
const SERVICE_PAGE = 500;

export interface VerifyOptions {
  readonly context: ContextName;
  readonly legacyUrl: string;
  readonly serviceUrl: string;
  readonly batchSize?: number;
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
}

export interface Finding {
  readonly count: number;
  readonly examples: Array<{ key: number; detail?: string }>;
}

export interface VerifyResult {
  readonly context: ContextName;
  readonly legacyRows: number;
  readonly serviceRows: number;
  readonly matching: number;
  /** In legacy (and translatable), not in the service. */
  readonly missing: Finding;
  /** In the service, not in legacy. */
  readonly extra: Finding;
  /** In both, content checksums differ. */
  readonly different: Finding;
  /** Legacy rows the ACL refuses: not expected in the service, reported apart. */
  readonly refused: Finding;
  /** True when missing, extra and different are all zero. */
  readonly clean: boolean;
}

class Tally {
  count = 0;
  readonly examples: Array<{ key: number; detail?: string }> = [];
  add(key: number, detail?: string): void {
    this.count++;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(detail === undefined ? { key } : { key, detail });
  }
  get finding(): Finding {
    return { count: this.count, examples: this.examples };
  }
}

/**
 * Streams both sides in key order and merges them like a sorted-merge join: memory is one legacy
 * batch plus one service page, whatever the table size.
 */
export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const context = CONTEXTS[options.context];
  const translate = loadTranslator(context.mapping);
  const service = createServiceClient({ baseUrl: options.serviceUrl, collection: context.servicePath, listQuery: context.listQuery, timeoutMs: options.timeoutMs, retry: options.retry });
  const source = openLegacySource(options.legacyUrl);
  try {
    await checkLegacySource(source, context.table);
    const legacy = legacyEntries(context, source, translate, options.batchSize ?? 500);
    const remote = serviceEntries(service, SERVICE_PAGE, context.serviceKey);
    const missing = new Tally();
    const extra = new Tally();
    const different = new Tally();
    const refused = new Tally();
    let matching = 0;
    let legacyRows = 0;
    let serviceRows = 0;
    let l = await legacy.next();
    let s = await remote.next();
    while (!l.done || !s.done) {
      if (!l.done && (s.done || l.value.key < s.value.key)) {
        legacyRows++;
        if (l.value.rejection !== undefined) refused.add(l.value.key, `${l.value.rejection.code}: ${l.value.rejection.paths.join(', ')}`);
        else missing.add(l.value.key);
        l = await legacy.next();
      } else if (!s.done && (l.done || s.value.key < l.value.key)) {
        serviceRows++;
        extra.add(s.value.key);
        s = await remote.next();
      } else if (!l.done && !s.done) {
        legacyRows++;
        serviceRows++;
        const entry = l.value;
        if (entry.rejection !== undefined) {
          // Refused now, but present in the service: a stale copy of a row that went bad in legacy.
          refused.add(entry.key, `${entry.rejection.code}: ${entry.rejection.paths.join(', ')} (still in the service)`);
        } else if (checksum(entry.item) !== checksum(s.value.item)) {
          different.add(entry.key, `fields ${differingFields(entry.item, s.value.item).join(', ')}: legacy ${truncate(canonicalJson(entry.item))}`);
        } else {
          matching++;
        }
        l = await legacy.next();
        s = await remote.next();
      }
    }
    return {
      context: context.name,
      legacyRows,
      serviceRows,
      matching,
      missing: missing.finding,
      extra: extra.finding,
      different: different.finding,
      refused: refused.finding,
      clean: missing.count === 0 && extra.count === 0 && different.count === 0,
    };
  } finally {
    await source.close();
  }
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** Human report: one summary line, then the examples of each non-empty kind. */
export function describeVerify(r: VerifyResult): string[] {
  const lines = [
    `verify ${r.context}: ${r.clean ? 'clean' : 'DIFFERENCES'} - ${r.legacyRows} legacy rows, ${r.serviceRows} service rows, ${r.matching} matching, ` +
      `${r.missing.count} missing, ${r.extra.count} extra, ${r.different.count} different, ${r.refused.count} refused by the ACL`,
  ];
  for (const [kind, f] of [['missing', r.missing], ['extra', r.extra], ['different', r.different], ['refused', r.refused]] as const) {
    for (const e of f.examples) lines.push(`  ${kind} ${e.key}${e.detail === undefined ? '' : `: ${e.detail}`}`);
  }
  return lines;
}
