import { formatDuration } from '../config/rollout-schema';
import { describeState } from '../control/modes';
import type { Check, Rollout, RolloutList, RolloutStatus } from '../control/rollout/types';
import { cell, formatTable } from './tables';

/** The human-readable forms of rollouts; `--json` prints the objects themselves instead. */

const time = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z');

/** A check's number in its own unit: shares as percentages, latency in ms, data age in hours. */
function valueOf(c: Check, v: number | null): string {
  if (v === null) return '-';
  if (c.name === 'p99-latency') return `${Math.round(v * 10) / 10} ms`;
  if (c.name === 'data-freshness') return `${Math.round(v * 100) / 100} h`;
  return `${Math.round(v * 10_000) / 100}%`;
}

const limitOf = (c: Check): string => (c.threshold === null ? '-' : `${c.name === 'match-rate' ? '≥' : '≤'} ${valueOf(c, c.threshold)}`);

function planLine(r: Rollout): string {
  const p = r.plan;
  return `steps ${p.steps.join(', ')} every ${formatDuration(p.intervalMs)}, ${p.minRequests} requests a step; pauses after ${p.pauseAfterNoData} analyses without a decision`;
}

export function formatRollout(s: RolloutStatus, now: Date = new Date()): string {
  const r = s.rollout;
  const route = r.step.route;
  const lines = [
    `${cell(r.routeId)}: rollout #${r.id} ${r.state}`,
    `  mode:     ${route.mode}${route.mode === 'canary' ? ` ${route.percent ?? 0}%` : ''} (percent ${route.mode === 'canary' ? (route.percent ?? 0) : route.mode === 'new' ? 100 : 0})`,
    `  step:     ${r.step.index} of ${r.step.of} (${describeState(route)}), since ${time(r.step.startedAt)}`,
    `  plan:     ${planLine(r)}`,
    `  started:  ${time(r.startedAt)} by ${cell(r.actor)}: ${cell(r.reason)}`,
  ];
  if (r.nextAnalysisAt) {
    const inS = Math.max(0, Math.round((Date.parse(r.nextAnalysisAt) - now.getTime()) / 1000));
    lines.push(`  next:     analysis at ${time(r.nextAnalysisAt)} (in ${inS}s)`);
  } else if (r.endedAt) {
    lines.push(`  ended:    ${time(r.endedAt)}`);
  } else {
    lines.push('  next:     none while paused');
  }
  if (r.note) lines.push(`  note:     ${cell(r.note)}`);
  if (r.state === 'waiting-for-data') lines.push(`  waiting:  ${r.waits} of ${r.plan.pauseAfterNoData} analyses without a decision before it pauses`);
  if (s.lease) lines.push(`  driver:   ${cell(s.lease.holder)} (lease until ${time(s.lease.until)})`);
  const a = r.lastAnalysis;
  if (!a) return lines.join('\n') + '\n  last analysis: none yet\n';
  lines.push(`  last analysis: ${a.verdict} at ${time(a.at)}, step ${a.step} (${a.phase})`);
  const rows = a.checks.map((c) => [c.name, valueOf(c, c.value), limitOf(c), c.verdict, c.detail]);
  return lines.join('\n') + '\n' + formatTable(['CHECK', 'VALUE', 'THRESHOLD', 'VERDICT', 'DETAIL'], rows, '    ');
}

export function formatRolloutList(list: RolloutList): string {
  if (list.rollouts.length === 0) return 'no rollouts yet\n';
  const rows = list.rollouts.map((r) => [r.routeId, `#${r.id}`, r.state, `${r.step.index}/${r.step.of}`, describeState(r.step.route), r.lastAnalysis?.verdict ?? '-', r.nextAnalysisAt ? time(r.nextAnalysisAt) : '-']);
  const driver = list.lease ? `driven by ${cell(list.lease.holder)} (lease until ${time(list.lease.until)})\n` : 'no replica holds the rollout lease: no gateway is driving rollouts\n';
  return formatTable(['ROUTE', 'ROLLOUT', 'STATE', 'STEP', 'MODE', 'LAST VERDICT', 'NEXT ANALYSIS'], rows) + driver;
}
