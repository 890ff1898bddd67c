import type { GatewayMetrics } from '../observability/metrics';
import type { LineWriter } from '../observability/logger';
import type { Exchange } from './exchange';
import { canaryOutcome, type CanaryOutcomeSink } from './outcome';

/** One request log line, as written: the fields that are always there, and those that explain an unusual answer. */
interface RequestLine {
  requestId: string;
  traceId: string;
  method: string | undefined;
  path: string;
  route: string;
  upstream: string;
  mode: string;
  status: number;
  durationMs: number;
  client: string;
  decidedBy?: string;
  fallbackFrom?: string;
  degraded?: string;
  dropped?: number;
  error?: string;
  detail?: string;
}

/** The status the client got; for an unfinished answer, the error's, else 499. */
export function statusOf(x: Exchange): number {
  return x.res.writableFinished ? x.res.statusCode : (x.error?.status ?? 499);
}

/**
 * Stage `log`, run when the response closes: one metrics observation and one log line per
 * request. An unfinished answer is the upstream's fault when it cut it short, else 499, the client
 * went away (nginx's convention).
 */
export function logExchange(x: Exchange, write: LineWriter, metrics: GatewayMetrics, canary?: CanaryOutcomeSink): void {
  const seconds = Number(process.hrtime.bigint() - x.startedAt) / 1e9;
  const status = statusOf(x);
  const route = x.route?.id ?? '-';
  const mode = x.route?.mode ?? '-';
  metrics.observe(route, x.upstream, mode, status, seconds);
  if (canary) {
    const outcome = canaryOutcome(x, status, seconds);
    if (outcome) canary(outcome);
  }
  const line: RequestLine = {
    requestId: x.requestId,
    traceId: x.traceId,
    method: x.req.method,
    path: x.path,
    route,
    upstream: x.upstream,
    mode,
    status,
    durationMs: Math.round(seconds * 1e6) / 1e3,
    client: x.clientIp,
  };
  if (x.decidedBy !== 'mode') line.decidedBy = x.decidedBy;
  if (x.fellBackFrom !== null) line.fallbackFrom = x.fellBackFrom;
  if (x.degraded !== null) line.degraded = x.degraded;
  if (x.dropped !== null) {
    line.dropped = x.dropped.items.length;
    // One line per row left out, with its key and why: what backfill's reject report says of the same row.
    for (const item of x.dropped.items) {
      for (const field of item.paths) metrics.aclDropped(x.dropped.mapping, field);
      write('warn', 'translation dropped a list item', { requestId: x.requestId, route, mapping: x.dropped.mapping, key: item.key, paths: item.paths, reason: item.reason });
    }
  }
  if (x.error !== null) {
    line.error = x.error.code;
    line.detail = x.error.message;
  }
  write(status >= 500 ? 'warn' : 'info', 'request', line);
}
