/**
 * The gateway in a process of its own, for the tracing tests (jest's module sandbox cannot run
 * the OTLP exporter's dynamic import): `node --import tsx traced-gateway.ts '<ProbeSpec JSON>'`
 * starts the real gateway over the given table with its environment's OTEL_* variables, sends the
 * requests one after another, waits for the shadow comparisons asked for, closes the gateway (which
 * flushes its spans) and prints a ProbeResult as one JSON line.
 */
import type { AddressInfo } from 'node:net';
import { createAcl } from '../../../acl';
import { compileRouteTable } from '../../src/config/load';
import { silentLogger } from '../../src/observability/logger';
import { createMetrics } from '../../src/observability/metrics';
import { createGateway } from '../../src/server';
import { aclMappings } from '../../src/translate/acl-adapter';

export interface ProbeSpec {
  /** A routes.json document; a catch-all to its first upstream is added after its routes. */
  readonly table: { readonly upstreams: Record<string, unknown>; readonly routes: readonly unknown[] };
  readonly requests: readonly { readonly path: string; readonly method?: string; readonly headers?: Record<string, string>; readonly body?: string }[];
  /** Shadow outcomes to wait for before closing. */
  readonly shadows?: number;
}

export interface ProbeResult {
  readonly answers: readonly { readonly status: number; readonly requestId: string | null }[];
  /**
   * The OpenTelemetry SDK's modules loaded by the end: every @opentelemetry module but the API,
   * which prom-client's process CPU metric requires for its exemplars (the API alone is a no-op:
   * without an SDK it records and sends nothing).
   */
  readonly loaded: readonly string[];
}

async function main(spec: ProbeSpec): Promise<ProbeResult> {
  const first = Object.keys(spec.table.upstreams)[0];
  const document = { ...spec.table, routes: [...spec.table.routes, { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: first } }] };
  const table = compileRouteTable(document, 'probe', { mappings: aclMappings(createAcl()) });
  const gateway = createGateway({ table, logger: silentLogger(), metrics: createMetrics({ defaultMetrics: false }), env: process.env });
  let shadows = 0;
  let shadowed: () => void = () => undefined;
  gateway.setShadowSink(() => {
    shadows += 1;
    // The copy's span ends once its outcome is recorded: a turn later.
    if (shadows === spec.shadows) setImmediate(shadowed);
  });
  const allShadowed = new Promise<void>((resolve) => (shadowed = resolve));
  await gateway.listen(0, '127.0.0.1');
  const { port } = gateway.server.address() as AddressInfo;
  const answers: { status: number; requestId: string | null }[] = [];
  for (const r of spec.requests) {
    const res = await fetch(`http://127.0.0.1:${port}${r.path}`, { method: r.method ?? 'GET', headers: r.headers ?? {}, ...(r.body === undefined ? {} : { body: r.body }) });
    await res.arrayBuffer();
    answers.push({ status: res.status, requestId: res.headers.get('x-request-id') });
  }
  if ((spec.shadows ?? 0) > 0) await allShadowed;
  await gateway.close();
  return { answers, loaded: Object.keys(require.cache).filter((k) => k.includes('@opentelemetry') && !k.includes('@opentelemetry/api/')) };
}

main(JSON.parse(process.argv[2] ?? '{}') as ProbeSpec).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
