import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../../platform/test-kit/otlp-receiver';
import { envWith, runTracedGateway } from '../kit/traced-gateway-run';

const ROOT = path.resolve(__dirname, '../../..');
const SERVER = 2;
const CLIENT = 3;

interface Service {
  readonly url: string;
  /** SIGTERM, then the exit: a service sends its buffered spans on the way out. */
  stop(): Promise<void>;
}

/** A service as deployed (its own CLI, its own process and SQLite file), exporting to the receiver. */
function startService(entry: string, env: NodeJS.ProcessEnv): Promise<Service> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry), 'serve', '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${entry} exited ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entryLine = line.startsWith('{') ? (JSON.parse(line) as { message?: string; url?: string }) : {};
      if (entryLine.message?.endsWith(' listening') && entryLine.url) {
        resolve({ url: entryLine.url, stop: () => (child.kill('SIGTERM'), exited) });
      }
    });
  });
}

/**
 * One request's story across processes: the gateway (a process of its own), the monolith and the
 * catalog (their own CLIs and processes), all exporting OTLP/HTTP JSON to one in-test receiver.
 */
describe('a trace across the gateway, the monolith and the catalog', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  const spans = () => receiver.spans;
  const one = (what: string, match: (s: ReceivedSpan) => boolean): ReceivedSpan => {
    const found = spans().filter(match);
    if (found.length !== 1) throw new Error(`${found.length} spans for ${what} among: ${spans().map((s) => `${s.service}:${s.name}`).join(', ')}`);
    return found[0]!;
  };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-trace-'));
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, STRANGLER_DATA_DIR: dir };
    const [monolith, catalog] = await Promise.all([
      startService('legacy-monolith/src/main.ts', envWith({ ...otel, LEGACY_DATABASE_URL: `sqlite:${path.join(dir, 'legacy.sqlite')}` })),
      startService('new-services/catalog/src/main.ts', envWith({ ...otel, CATALOG_DATABASE_URL: `sqlite:${path.join(dir, 'catalog.sqlite')}` })),
    ]);
    try {
      const table = {
        upstreams: { monolith: { url: monolith.url }, catalog: { url: catalog.url } },
        routes: [
          {
            id: 'v2.products', path: '/api/v2/products/*', methods: ['GET'], mode: 'shadow',
            legacy: { upstream: 'monolith', rewrite: '/api/products/*', translate: { response: 'catalog/product-read' } },
            new: { upstream: 'catalog', rewrite: '/products/*' },
            shadow: { noiseSample: 0 },
          },
          { id: 'v3.products', path: '/api/v3/products/*', methods: ['GET'], mode: 'new', new: { upstream: 'catalog', rewrite: '/products/*' } },
        ],
      };
      const result = await runTracedGateway(
        { table, requests: [{ path: '/api/v2/products/1', headers: { 'x-request-id': 'story-legacy' } }, { path: '/api/v3/products/1', headers: { 'x-request-id': 'story-catalog' } }], shadows: 1 },
        envWith({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }),
      );
      expect(result.answers.map((a) => a.status)).toEqual([200, 404]);
    } finally {
      await Promise.all([monolith.stop(), catalog.stop()]);
    }
  });
  afterAll(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gateway → monolith (translated): request span, its try, the monolith server span under the try and its queries under that, and the ACL translation', () => {
    const request = one('the gateway request', (s) => s.service === 'strangler-gateway' && s.kind === SERVER && s.attributes['strangler.request_id'] === 'story-legacy');
    expect(request.attributes).toMatchObject({ 'http.route': '/api/v2/products/*', 'strangler.route.mode': 'shadow', 'strangler.side': 'legacy', 'http.response.status_code': 200 });
    const tryToMonolith = one('the try', (s) => s.kind === CLIENT && s.name === 'upstream try' && s.parentSpanId === request.spanId);
    expect(tryToMonolith.attributes).toMatchObject({ 'strangler.attempt': 1, 'strangler.upstream': 'monolith', 'http.response.status_code': 200 });
    const monolith = one('the monolith request', (s) => s.service === 'legacy-monolith' && s.kind === SERVER && s.traceId === request.traceId);
    expect(monolith).toMatchObject({ parentSpanId: tryToMonolith.spanId, attributes: { 'strangler.request_id': 'story-legacy', 'url.path': '/api/products/1' } });
    expect(spans().filter((s) => s.service === 'legacy-monolith' && s.parentSpanId === monolith.spanId && s.attributes['db.system.name'] === 'sqlite').length).toBeGreaterThan(0);
    const acl = one('the translation', (s) => s.name === 'acl translate' && s.traceId === request.traceId);
    expect(acl).toMatchObject({ parentSpanId: request.spanId, attributes: { 'strangler.acl.mapping': 'catalog/product-read', 'strangler.acl.direction': 'response', 'strangler.acl.items': 1, 'strangler.acl.dropped': 0 } });
  });

  it("the shadow copy to the catalog: linked to the request's span in the same trace, the catalog's server span its child", () => {
    const request = one('the gateway request', (s) => s.kind === SERVER && s.attributes['strangler.request_id'] === 'story-legacy' && s.service === 'strangler-gateway');
    const copy = one('the copy', (s) => s.name === 'shadow copy');
    expect(copy).toMatchObject({ traceId: request.traceId, parentSpanId: '', links: [{ traceId: request.traceId, spanId: request.spanId }], attributes: { 'strangler.upstream': 'catalog', 'http.response.status_code': 404, 'strangler.shadow.verdict': 'differ' } });
    const catalog = one('the catalog copy', (s) => s.service === 'catalog' && s.kind === SERVER && s.traceId === request.traceId);
    expect(catalog).toMatchObject({ parentSpanId: copy.spanId, attributes: { 'strangler.request_id': 'story-legacy' } });
  });

  it('gateway → catalog (mode new): the catalog server span is the try\'s child, in the request\'s trace', () => {
    const request = one('the gateway request', (s) => s.kind === SERVER && s.attributes['strangler.request_id'] === 'story-catalog' && s.service === 'strangler-gateway');
    expect(request.attributes).toMatchObject({ 'strangler.route.id': 'v3.products', 'strangler.route.mode': 'new', 'strangler.side': 'new', 'http.response.status_code': 404 });
    const tryToCatalog = one('the try', (s) => s.kind === CLIENT && s.parentSpanId === request.spanId);
    const catalog = one('the catalog request', (s) => s.service === 'catalog' && s.kind === SERVER && s.attributes['strangler.request_id'] === 'story-catalog');
    expect(catalog).toMatchObject({ traceId: request.traceId, parentSpanId: tryToCatalog.spanId });
  });
});
