import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { requestLog, silentLogger } from '../index';
import { installServiceSpans, tracingWanted } from '../trace/service-spans';
import { startServiceTracing } from '../trace/otel';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../test-kit/otlp-receiver';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER = '00f067aa0ba902b7';

describe('service tracing through OpenTelemetry', () => {
  it('is wanted only when the standard variables ask for it', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(false);
  });

  it('without them, loading the platform and serving a request loads no OpenTelemetry module', () => {
    const script = `
      require('tsx/cjs');
      const p = require(${JSON.stringify(join(__dirname, '..', 'index.ts'))});
      const log = p.requestLog(p.silentLogger);
      const res = { locals: {}, setHeader() {}, on() {} };
      log({ headers: {}, method: 'GET', path: '/' }, res, () => {});
      const loaded = Object.keys(require.cache).filter((k) => k.includes('@opentelemetry'));
      process.stdout.write(JSON.stringify(loaded));`;
    const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual([]);
  });

  describe('with an OTLP endpoint', () => {
    let receiver: OtlpReceiver;
    beforeEach(async () => {
      receiver = await startOtlpReceiver();
    });
    afterEach(async () => {
      installServiceSpans(null);
      await receiver.close();
    });

    it('exports a server span continuing the caller (with the request id as strangler.request_id), and a span per query under it, in one trace', () => {
      const probe = join(__dirname, '..', 'test-kit', 'otel-export-probe.ts');
      const out = spawnSync(process.execPath, ['--import', 'tsx', probe, `00-${TRACE}-${CALLER}-01`], { encoding: 'utf8' });
      expect(out.stderr).toBe('');
      const spans = JSON.parse(out.stdout) as ReceivedSpan[];
      const server = spans.find((s) => s.kind === 2);
      const query = spans.find((s) => s.kind === 3);
      expect(server).toMatchObject({ service: 'test-service', traceId: TRACE, parentSpanId: CALLER, name: 'GET', attributes: { 'http.request.method': 'GET', 'url.path': '/things', 'http.response.status_code': 200, 'strangler.request_id': 'probe-request-1' } });
      expect(query).toMatchObject({ traceId: TRACE, parentSpanId: server?.spanId, attributes: { 'db.system.name': 'sqlite', 'db.query.text': 'select 1 as one' } });
    });

    it("follows the caller's decision not to sample (parent-based by default): nothing is exported, the trace still goes on", async () => {
      const tracing = startServiceTracing('test-service', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
      installServiceSpans(tracing);
      const app = express();
      app.use(requestLog(silentLogger));
      app.get('/x', (_req, res) => res.end());
      await request(app).get('/x').set('traceparent', `00-${TRACE}-${CALLER}-00`).expect(200);
      await tracing.forceFlush();
      expect(receiver.spans).toEqual([]);
      await tracing.shutdown();
    });
  });
});
