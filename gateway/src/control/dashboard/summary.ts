import type { CompiledRoute } from '../../config/table';
import type { RouteShadowReport } from '../../shadow/types';
import type { ShadowSummary } from './answers';
import { wilsonLowerBound } from './wilson';

/** A route's shadow report reduced to what a row shows: match rate, its sample and bound, noise, error and latency deltas. */
export function shadowSummary(report: RouteShadowReport, route: CompiledRoute | undefined): ShadowSummary {
  const real = report.fields.filter((f) => f.real).length;
  return {
    since: report.since,
    compared: report.compared,
    matches: report.matches,
    matchRate: report.matchRate,
    lowerBound: wilsonLowerBound(report.matches, report.compared),
    noiseSampled: report.noiseSampled,
    realFields: real,
    noiseFields: report.fields.length - real,
    newErrorRate: report.newErrorRate,
    p99Ms: {
      legacy: report.latency.legacy.count > 0 ? report.latency.legacy.p99Ms : null,
      new: report.latency.new.count > 0 ? report.latency.new.p99Ms : null,
    },
    gate: route?.shadow ? route.shadow.config.gate : null,
  };
}
