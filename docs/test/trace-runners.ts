import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../../platform/test-kit/eventually';
import { startOtlpReceiver, type OtlpReceiver } from '../../platform/test-kit/otlp-receiver';
import { shell, type Runner } from './doc-kit';
import type { RunningStack, StackOptions } from './stack';

/**
 * The README's tracing commands: `npm start -- --trace` (the stack started again, tracing into
 * its own collector), `strangler trace` for the request the README's curl made with a known id
 * (the curl itself runs as every curl does), and the same stack pointed at a collector of the
 * test's own instead, as at a real one.
 */

/** The stack the README's commands run against, and its restart with other arguments or variables. */
export interface StackSwap {
  current(): RunningStack;
  replace(options: StackOptions): Promise<RunningStack>;
}

const REQUEST_ID = 'readme-trace-1';

/** The trace id on the gateway's request line for a request id (every line carries both, tracing on or off). */
export function gatewayTraceId(stack: RunningStack, requestId: string): string | undefined {
  for (const line of stack.stdout) {
    const m = /^gateway +\| (\{.*\})$/.exec(line);
    if (!m) continue;
    const entry = JSON.parse(m[1] as string) as { message?: string; requestId?: string; traceId?: string };
    if (entry.message === 'request' && entry.requestId === requestId) return entry.traceId;
  }
  return undefined;
}

/** The services with a span in the trace, as the file holds it now. */
function servicesIn(file: string, traceId: string): Set<string> {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  // The last line may be half written while the collector appends: only whole lines count.
  const whole = text.split('\n').slice(0, -1);
  return new Set(whole.filter((l) => l.includes(traceId)).map((l) => (JSON.parse(l) as { service: string }).service));
}

export function tracingRunners(stacks: StackSwap, dataDir: string, receivers: OtlpReceiver[]): Runner[] {
  const env = { STRANGLER_DATA_DIR: dataDir };
  return [
    {
      pattern: /^npm start -- --trace$/,
      run: async () => {
        const stack = await stacks.replace({ args: ['--', '--trace'] });
        const out = stack.stdout.join('\n');
        expect(out).toMatch(/^ {2}trace collector {3}http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(OTLP\/HTTP JSON\)$/m);
        expect(out).toContain(`  traces file       ${dataDir}/traces.jsonl`);
        expect(out).toContain('  read a trace      npx strangler trace <x-request-id or trace id>');
      },
    },
    {
      pattern: new RegExp(`^npx strangler trace ${REQUEST_ID}$`),
      run: async (cmd) => {
        // The request's trace by its id from the gateway's log line, once the parts' batches are in the file.
        await eventually(() => gatewayTraceId(stacks.current(), REQUEST_ID) !== undefined, { timeoutMs: 30_000 });
        const traceId = gatewayTraceId(stacks.current(), REQUEST_ID) as string;
        // Each part exports every 5 s: read the file (cheaply) until both services' spans are in.
        await eventually(
          () => {
            const services = servicesIn(path.join(dataDir, 'traces.jsonl'), traceId);
            return services.has('gateway') && services.has('legacy-monolith') && services.has('catalog');
          },
          { timeoutMs: 60_000 },
        );
        const byTrace = shell(`npx strangler trace ${traceId}`, env);
        expect([byTrace.status, byTrace.stderr]).toEqual([0, '']);
        const lines = byTrace.stdout.trimEnd().split('\n');
        expect(lines[0]).toMatch(new RegExp(`^trace ${traceId} {2}· {2}\\d+ spans {2}· {2}[\\d.]+ ms {2}· {2}services: .*legacy-monolith`));
        // v2.products is in shadow mode here: the monolith answers (its row read from its database), the catalog gets the copy.
        expect(lines).toContainEqual(expect.stringMatching(/^\|[ █]{30}\| +[\d.]+ ms {2}legacy-monolith +GET {2}path=\/api\/products\/1 status=200/));
        expect(lines).toContainEqual(expect.stringMatching(/^\|[ █]{30}\| +[\d.]+ ms {2}legacy-monolith +\S+ sqlite$/));
        expect(lines).toContainEqual(expect.stringMatching(/^\|[ █]{30}\| +[\d.]+ ms {2}catalog +GET {2}path=\/products\/1 status=200/));
        // The gateway's own spans: the request at the root, its try, the services under them, the shadow copy linked.
        expect(lines[1]).toMatch(/ ms {2}gateway +GET \/api\/v2\/products\/\* .*route\.id=v2\.products route\.mode=shadow/);
        expect(byTrace.stdout).not.toContain('not in the file');
        expect(lines).toContainEqual(expect.stringMatching(/ ms {2}gateway +.*shadow.*linked to /));
        // The README's own command, by request id (`strangler.request_id` on the spans): the same trace.
        const r = shell(cmd.command, env);
        expect([r.status, r.stderr]).toEqual([0, '']);
        expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^trace ${traceId} .* · {2}request ${REQUEST_ID}$`));
      },
    },
    {
      pattern: /^OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:4318 npm start$/,
      run: async () => {
        // The test's own OTLP/HTTP receiver stands in for Jaeger or Tempo on 4318.
        const receiver = await startOtlpReceiver();
        receivers.push(receiver);
        const stack = await stacks.replace({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } });
        expect(stack.stdout.join('\n')).toContain(`  traces            exported to ${receiver.endpoint} (OTEL_* variables)`);
        const res = await fetch(`${stack.gatewayUrl}/api/products/3`, { headers: { 'x-request-id': 'readme-collector-1' } });
        expect(res.status).toBe(200);
        await eventually(() => gatewayTraceId(stack, 'readme-collector-1') !== undefined, { timeoutMs: 30_000 });
        const traceId = gatewayTraceId(stack, 'readme-collector-1');
        await eventually(() => receiver.spans.some((s) => s.traceId === traceId && s.service === 'legacy-monolith' && s.attributes['url.path'] === '/api/products/3'), { timeoutMs: 60_000 });
        await eventually(() => receiver.spans.some((s) => s.traceId === traceId && s.service === 'gateway' && s.attributes['strangler.request_id'] === 'readme-collector-1'), { timeoutMs: 60_000 });
      },
    },
  ];
}
