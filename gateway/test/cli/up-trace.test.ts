import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childTelemetryEnv, startLocalCollector, traceBannerLines, traceConflict, tracesFileOf } from '../../src/cli/up-trace';

/**
 * `npm start -- --trace`: what each part is given, when the user's own OTEL_* settings forbid it,
 * and the collector it runs, writing into the data directory.
 */

const ROOT = path.resolve(__dirname, '../../..');
const COLLECTOR = 'http://127.0.0.1:43210';

describe('the environment each part of the stack gets', () => {
  it('with --trace: the collector, the JSON protocol, a parent-based always-on sampler and its own service name', () => {
    expect(childTelemetryEnv('legacy-monolith', {}, COLLECTOR)).toEqual({
      OTEL_SERVICE_NAME: 'legacy-monolith',
      OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    });
  });

  it("keeps the user's sampler and service name", () => {
    const env = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1', OTEL_SERVICE_NAME: 'shop' };
    expect(childTelemetryEnv('catalog', env, COLLECTOR)).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
  });

  it('without --trace: only the service name, so that nothing is exported unless the user asks', () => {
    expect(childTelemetryEnv('gateway', {}, null)).toEqual({ OTEL_SERVICE_NAME: 'gateway' });
    expect(childTelemetryEnv('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }, null)).toEqual({ OTEL_SERVICE_NAME: 'gateway' });
  });
});

describe('--trace and the user\'s own OTEL_* settings', () => {
  it('goes ahead when nothing points elsewhere', () => {
    expect(traceConflict({})).toBeNull();
    expect(traceConflict({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_TRACES_SAMPLER: 'always_on' })).toBeNull();
  });

  it('refuses, naming each setting and what to do, rather than override them in silence', () => {
    expect(traceConflict({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' })).toBe(
      '--trace runs its own collector, but OTEL_EXPORTER_OTLP_ENDPOINT is set (http://jaeger:4318): the parts would export there, not to the collector --trace runs. Unset it to use --trace, or start without --trace to send the spans where your OTEL_* variables say',
    );
    const several = traceConflict({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces', OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(several).toContain('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set (http://tempo:4318/v1/traces)');
    expect(several).toContain('OTEL_TRACES_EXPORTER is "none"');
    expect(several).toContain('OTEL_EXPORTER_OTLP_PROTOCOL is "grpc"');
    expect(several).toContain('Unset them');
  });

  it('`strangler up --trace` with an endpoint set exits 2 before anything starts', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strangler-up-trace-'));
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/strangler.js'), 'up', '--trace'], {
      cwd: ROOT,
      env: { ...process.env, STRANGLER_DATA_DIR: dataDir, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdout.resume();
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(status).toBe(2);
    expect(stderr).toMatch(/^strangler: --trace runs its own collector, but OTEL_EXPORTER_OTLP_ENDPOINT is set \(http:\/\/jaeger:4318\)/);
    expect(stderr).not.toContain('starting');
  });
});

describe('the collector --trace runs', () => {
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'catalog' } }] },
        scopeSpans: [{ spans: [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', name: 'GET', kind: 2, startTimeUnixNano: '1', endTimeUnixNano: '2' }] }],
      },
    ],
  });

  it('appends to <data dir>/traces.jsonl, and the banner says where and how to read it', async () => {
    const env = { STRANGLER_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'strangler-up-trace-')) };
    const collector = await startLocalCollector(env, () => undefined);
    try {
      for (let i = 0; i < 2; i++) expect((await fetch(collector.tracesUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).status).toBe(200);
    } finally {
      await collector.close();
    }
    expect(collector.file).toBe(tracesFileOf(env));
    expect(readFileSync(collector.file, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { service: string }).service)).toEqual(['catalog', 'catalog']);
    expect(traceBannerLines(collector, env)).toEqual([
      `  trace collector   ${collector.tracesUrl} (OTLP/HTTP JSON)`,
      `  traces file       ${collector.file}`,
      '  read a trace      npx strangler trace <x-request-id or trace id>',
    ]);
    expect(collector.tracesUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
  });

  it('reports a file it cannot write once per reason, not per batch', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-up-trace-'));
    // The data directory is a file: nothing can be written under it.
    writeFileSync(path.join(dir, 'data'), '');
    const reports: string[] = [];
    const collector = await startLocalCollector({ STRANGLER_DATA_DIR: path.join(dir, 'data') }, (m) => reports.push(m));
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(collector.tracesUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).status).toBe(500);
    } finally {
      await collector.close();
    }
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^the trace collector cannot write .*traces\.jsonl: .*(ENOTDIR|EEXIST).*\(spans are lost until it can\)$/);
  });

  it('the banner without --trace names the user\'s collector, or says nothing', () => {
    expect(traceBannerLines(null, {})).toEqual([]);
    expect(traceBannerLines(null, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' })).toEqual(['  traces            exported to http://jaeger:4318 (OTEL_* variables)']);
  });
});
