import type { HandwrittenCost, LargePageCost, PerItemCost } from './acl-cost';
import type { LoadResult } from './load';
import { summarise, type Tally, type TargetSummary } from './report';
import { medianOfRatios, round } from './stats';

export const ACL_TARGETS = ['acl.plain', 'acl.identity', 'acl.translated'] as const;
export type AclTarget = (typeof ACL_TARGETS)[number];

/** The translated page against the identity mapping's (which buffers, parses and re-serialises too): issue 16's target. */
export const ACL_PAGE_VS_IDENTITY_TARGET = 0.85;
/** A hand-written TypeScript mapping with the same validator, per page, against the ACL's: issue 16's target. */
export const ACL_VS_HANDWRITTEN_TARGET = 0.8;

/** A cheap gateway request timed while a large translated page was in flight, once per repetition. */
export interface ResponsivenessProbe {
  items: number;
  /** Per repetition: the slowest /healthz answer seen while the large page was in flight. */
  healthzMaxMs: number[];
  /** Per repetition: the large page's own status and time. */
  largeStatus: number[];
  largeMs: number[];
  /** The gateway's problem detail of the first large page that was not a 200, if any. */
  largeProblem?: string;
  /** /healthz with nothing else in flight, for comparison. */
  idleHealthzMs: number;
}

/** Everything the ACL phase measured, before any aggregation. */
export interface AclMeasurements {
  connections: number;
  durationSec: number;
  warmupSec: number;
  pageItems: number;
  /** One saturated run per target and round, in round order. */
  saturated: Record<AclTarget, LoadResult[]>;
  tallies: Record<AclTarget, Tally>;
  perItem: PerItemCost;
  /** Per page: (parse, map, validate, stringify) by hand and through the ACL. */
  handwritten: HandwrittenCost;
  largePage: LargePageCost;
  /** A 50,000-item page through the same mapping, in the ACL cost process. */
  hugePage: LargePageCost;
  probe: ResponsivenessProbe;
  /** The gateway's ACL budget for one evaluation; a translation longer than this is a 502. */
  gatewayBudgetMs: number;
}

export interface AclReport {
  measurements: AclMeasurements;
  rounds: number;
  summary: Record<AclTarget, TargetSummary>;
  pageVsPlain: number;
  pageVsIdentity: number;
  healthzMsDuringLargeTranslation: number;
}

/** The ACL phase's share of the `--json` contract: exactly these keys, all numbers. */
export interface AclBenchJson {
  acl_page_vs_plain: number;
  acl_page_vs_identity: number;
  acl_vs_handwritten: number;
  acl_handwritten_us_per_page: number;
  acl_us_per_page: number;
  acl_identity_rps: number;
  acl_huge_page_items: number;
  acl_huge_page_ms: number;
  acl_huge_event_loop_max_ms: number;
  acl_us_per_item: number;
  acl_plain_rps: number;
  acl_translated_rps: number;
  acl_plain_p99_ms: number;
  acl_translated_p99_ms: number;
  acl_large_page_items: number;
  acl_large_page_ms: number;
  acl_event_loop_max_ms: number;
  gateway_healthz_ms_during_large_translation: number;
}

/** Translated ÷ plain throughput; NaN when the plain route served nothing (the run fails anyway). */
export function pageVsPlain(translatedRps: number, plainRps: number): number {
  return plainRps > 0 ? translatedRps / plainRps : Number.NaN;
}

/**
 * The median over the rounds of (translated ÷ other) req/s, each ratio taken within one round: the
 * targets of a round run back to back, so a slow patch of the machine (rates here swing by a third
 * from one minute to the next) falls on both sides of a ratio instead of on one median.
 */
export function perRoundRatio(translated: readonly LoadResult[], other: readonly LoadResult[]): number {
  return medianOfRatios(translated.map((r) => r.rps), other.map((r) => r.rps));
}

export function buildAclReport(m: AclMeasurements): AclReport {
  const summary = { 'acl.plain': summarise(m.saturated['acl.plain']), 'acl.identity': summarise(m.saturated['acl.identity']), 'acl.translated': summarise(m.saturated['acl.translated']) };
  const sortedMax = [...m.probe.healthzMaxMs].sort((a, b) => a - b);
  return {
    measurements: m,
    rounds: m.saturated['acl.plain'].length,
    summary,
    pageVsPlain: perRoundRatio(m.saturated['acl.translated'], m.saturated['acl.plain']),
    pageVsIdentity: perRoundRatio(m.saturated['acl.translated'], m.saturated['acl.identity']),
    // The median repetition: one unlucky scheduling moment should not be the headline.
    healthzMsDuringLargeTranslation: sortedMax.length ? (sortedMax[(sortedMax.length - 1) >> 1] as number) : Number.NaN,
  };
}

export function aclToJson(r: AclReport): AclBenchJson {
  const m = r.measurements;
  return {
    acl_page_vs_plain: round(r.pageVsPlain, 3),
    acl_page_vs_identity: round(r.pageVsIdentity, 3),
    acl_vs_handwritten: round(m.handwritten.ratio, 3),
    acl_handwritten_us_per_page: round(m.handwritten.handwrittenUs, 1),
    acl_us_per_page: round(m.handwritten.aclUs, 1),
    acl_identity_rps: round(r.summary['acl.identity'].rps),
    acl_huge_page_items: m.hugePage.items,
    acl_huge_page_ms: round(m.hugePage.ms, 1),
    acl_huge_event_loop_max_ms: round(m.hugePage.eventLoopMaxMs, 1),
    acl_us_per_item: round(m.perItem.usPerItem, 1),
    acl_plain_rps: round(r.summary['acl.plain'].rps),
    acl_translated_rps: round(r.summary['acl.translated'].rps),
    acl_plain_p99_ms: round(r.summary['acl.plain'].p99Ms, 2),
    acl_translated_p99_ms: round(r.summary['acl.translated'].p99Ms, 2),
    acl_large_page_items: m.largePage.items,
    acl_large_page_ms: round(m.largePage.ms, 1),
    acl_event_loop_max_ms: round(m.largePage.eventLoopMaxMs, 1),
    gateway_healthz_ms_during_large_translation: round(r.healthzMsDuringLargeTranslation, 1),
  };
}

/** One line per load target that saw non-2xx responses or errors; the large-page probe is reported, not failed. */
export function aclFailures(m: AclMeasurements): string[] {
  return ACL_TARGETS.flatMap((t) => {
    const { non2xx, errors } = m.tallies[t];
    return non2xx > 0 || errors > 0 ? [`${t}: ${non2xx} non-2xx responses, ${errors} errors`] : [];
  });
}

export function formatAclHuman(r: AclReport): string {
  const m = r.measurements;
  const plain = r.summary['acl.plain'];
  const header = ['target', 'req/s', 'x plain', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'];
  const rows = ACL_TARGETS.map((t) => {
    const s = r.summary[t];
    return [t, s.rps.toFixed(0), (s.rps / plain.rps).toFixed(3), s.p50Ms.toFixed(2), s.p99Ms.toFixed(2), String(m.tallies[t].non2xx), String(m.tallies[t].errors)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  const met = (value: number, target: number): string => (value >= target ? 'met' : 'MISSED');
  const hw = m.handwritten;
  const hp = m.hugePage;
  const lp = m.largePage;
  const p = m.probe;
  const statuses = [...new Set(p.largeStatus)].join('/');
  return [
    `ACL cost: a ${m.pageItems}-item legacy product page through the gateway, untranslated (acl.plain) and translated by`,
    `catalog/product-read (acl.translated); ${m.connections} connections, ${m.durationSec} s per target after a ${m.warmupSec} s warm-up,`,
    `${r.rounds} interleaved rounds, every other one in reverse order; each figure is the MEDIAN over the rounds (ratios taken within each round)`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `acl_page_vs_identity: ${r.pageVsIdentity.toFixed(3)}   (translated req/s / identity-mapping req/s; target >= ${ACL_PAGE_VS_IDENTITY_TARGET}: ${met(r.pageVsIdentity, ACL_PAGE_VS_IDENTITY_TARGET)})`,
    `acl_vs_handwritten: ${hw.ratio.toFixed(3)}   (per page, parse + map + validate + stringify: hand-written ${hw.handwrittenUs.toFixed(1)} us / ACL ${hw.aclUs.toFixed(1)} us, ` +
      `median of ${hw.rounds} alternating rounds of ${hw.pagesPerRound} pages; target >= ${ACL_VS_HANDWRITTEN_TARGET}: ${met(hw.ratio, ACL_VS_HANDWRITTEN_TARGET)})`,
    `acl_page_vs_plain: ${r.pageVsPlain.toFixed(3)}   (translated req/s / plain req/s; reported, no target: a streamed route never parses)`,
    `acl_us_per_item: ${m.perItem.usPerItem.toFixed(1)}   (in the ACL cost process, median of ${m.perItem.runs} evaluations of the ` +
      `${m.perItem.items}-item page after ${m.perItem.warmups} warm-ups: ${((m.perItem.usPerItem * m.perItem.items) / 1000).toFixed(2)} ms a page)`,
    `acl_large_page: ${lp.items} items in ${lp.ms.toFixed(1)} ms in the ACL cost process (budget raised to let it finish; the gateway's is ` +
      `${m.gatewayBudgetMs} ms), event loop blocked up to ${lp.eventLoopMaxMs.toFixed(1)} ms`,
    `acl_huge_page: ${hp.items} items in ${hp.ms.toFixed(1)} ms in the ACL cost process, event loop blocked up to ${hp.eventLoopMaxMs.toFixed(1)} ms`,
    `gateway_healthz_ms_during_large_translation: ${r.healthzMsDuringLargeTranslation.toFixed(1)}   (slowest GET /healthz while a ` +
      `${p.items}-item translated page was in flight, median of ${p.healthzMaxMs.length}; idle ${p.idleHealthzMs.toFixed(1)} ms)`,
    `  the ${p.items}-item translated page itself answered ${statuses} in ${p.largeMs.map((ms) => ms.toFixed(0)).join(', ')} ms` +
      (p.largeProblem === undefined ? '' : `: ${p.largeProblem}`),
  ].join('\n');
}
