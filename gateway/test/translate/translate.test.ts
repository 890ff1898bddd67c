import { RouteTableError } from '../../src/config/errors';
import { compileRouteTable } from '../../src/config/load';
import { TranslationError, type MappingResolver, type TranslationMapping } from '../../src/config/mapping';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream } from '../kit/upstream';

/** Mappings written in TypeScript stand in for the ACL: the gateway only knows the TranslationMapping contract. */
const fakes: Record<string, TranslationMapping> = {
  'test/upper': {
    name: 'test/upper',
    evaluate: async (input, now) => ({ NAME: String((input as { name: string }).name).toUpperCase(), now: now.toISOString() }),
  },
  'test/refuse': {
    name: 'test/refuse',
    evaluate: async () => {
      throw new TranslationError('output', 'test/refuse', 'output does not fit Product', [{ path: 'price.amount', message: 'must be an integer' }]);
    },
  },
  'test/explode': {
    name: 'test/explode',
    evaluate: async () => {
      throw new RangeError('unexpected');
    },
  },
  'test/to-legacy': {
    name: 'test/to-legacy',
    evaluate: async (input) => {
      const body = input as { customerId?: unknown };
      if (typeof body.customerId !== 'number') {
        throw new TranslationError('input', 'test/to-legacy', 'body does not fit CreateOrder', [
          { path: 'customerId', message: 'expected number' },
          { path: 'lines', message: 'required' },
        ]);
      }
      if (body.customerId > 999_999_999) {
        throw new TranslationError('output', 'test/to-legacy', 'the legacy body cannot hold it', [{ path: 'CUST_ID', message: 'at most 999999999' }]);
      }
      return { CUST_ID: body.customerId };
    },
  },
};
const resolve: MappingResolver = (name) => {
  const m = fakes[name];
  if (!m) throw new Error(`position 3: S0202 mapping ${name} does not compile`);
  return m;
};

let upstream: TestUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startUpstream((req, res, body) => {
    const url = req.url ?? '';
    if (url.startsWith('/text')) {
      res.setHeader('content-type', 'text/plain');
      res.end('plain');
    } else if (url.startsWith('/missing')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"ERR_CD":"NOT_FND"}');
    } else if (url.startsWith('/write')) {
      res.writeHead(201, { 'content-type': 'application/json', etag: '"legacy"' });
      res.end(JSON.stringify({ name: 'made', got: JSON.parse(body.toString()), length: req.headers['content-length'] }));
    } else {
      res.writeHead(200, { 'content-type': 'application/json', etag: '"legacy-etag"', 'x-legacy': 'kept' });
      res.end('{"name":"widget"}');
    }
  });
  const target = (response: string) => ({ upstream: 'legacy', translate: { response } });
  const table = compileRouteTable(
    {
      upstreams: { legacy: { url: upstream.url } },
      routes: [
        { id: 'upper', path: '/upper/*', mode: 'legacy', legacy: { ...target('test/upper'), rewrite: '/*' } },
        { id: 'refuse', path: '/refuse', mode: 'legacy', legacy: target('test/refuse') },
        { id: 'explode', path: '/explode', mode: 'legacy', legacy: target('test/explode') },
        { id: 'write', path: '/write', mode: 'legacy', legacy: { upstream: 'legacy', translate: { request: 'test/to-legacy', response: 'test/upper' } } },
        { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } },
      ],
    },
    'test',
    { mappings: resolve },
  );
  gw = await startGateway(table);
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('response translation', () => {
  it('maps a 2xx JSON answer, with the request time as $now, and drops the fields describing the old body', async () => {
    const before = Date.now();
    const res = await fetch(`${gw.url}/upper/thing`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { NAME: string; now: string };
    expect(body.NAME).toBe('WIDGET');
    expect(Date.parse(body.now)).toBeGreaterThanOrEqual(before - 1000);
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('x-legacy')).toBe('kept');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(upstream.seen.at(-1)?.url).toBe('/thing');
  });

  it('passes errors and non-JSON answers through untouched', async () => {
    const missing = await fetch(`${gw.url}/upper/missing`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('{"ERR_CD":"NOT_FND"}');
    const text = await fetch(`${gw.url}/upper/text`);
    expect(await text.text()).toBe('plain');
  });

  it('answers 502 problem+json naming the mapping and the fields when the output is refused, and stays up', async () => {
    const res = await fetch(`${gw.url}/refuse`, { headers: { 'x-request-id': 'tr-1' } });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      type: 'urn:strangler:problem:translation-failed',
      status: 502,
      mapping: 'test/refuse',
      requestId: 'tr-1',
      errors: [{ path: 'price.amount', message: 'must be an integer' }],
    });
    expect((await fetch(`${gw.url}/upper/x`)).status).toBe(200);
  });

  it('turns an unexpected failure inside a mapping into a 502 too', async () => {
    const res = await fetch(`${gw.url}/explode`);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { detail: string }).detail).toContain('mapping test/explode failed unexpectedly: unexpected');
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });
});

describe('request translation', () => {
  const post = (body: string, type = 'application/json') => fetch(`${gw.url}/write`, { method: 'POST', headers: { 'content-type': type }, body });

  it('sends the upstream the mapped body with its own length', async () => {
    const res = await post('{"customerId":7}');
    expect(res.status).toBe(201);
    expect(upstream.seen.at(-1)?.body.toString()).toBe('{"CUST_ID":7}');
    expect(upstream.seen.at(-1)?.headers['content-length']).toBe('13');
    expect(((await res.json()) as { NAME: string }).NAME).toBe('MADE');
  });

  it('refuses a body that does not fit the contract with 400 and every field error, sending nothing upstream', async () => {
    const before = upstream.seen.length;
    const res = await post('{"customerId":"seven"}');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      type: 'urn:strangler:problem:invalid-body',
      mapping: 'test/to-legacy',
      errors: [{ path: 'customerId' }, { path: 'lines' }],
    });
    expect(upstream.seen.length).toBe(before);
  });

  it('answers 422 naming the fields when a valid body does not fit the legacy shape, sending nothing upstream', async () => {
    const before = upstream.seen.length;
    const res = await post('{"customerId":10000000000}');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ type: 'urn:strangler:problem:body-not-accepted-upstream', errors: [{ path: 'CUST_ID' }] });
    expect(upstream.seen.length).toBe(before);
  });

  it('refuses invalid JSON and non-JSON bodies with 400', async () => {
    expect((await post('{nope')).status).toBe(400);
    expect((await post('customerId=7', 'application/x-www-form-urlencoded')).status).toBe(400);
  });
});

describe('loading a table that translates', () => {
  const table = (response: string, mappings?: MappingResolver) =>
    compileRouteTable(
      {
        upstreams: { legacy: { url: 'http://127.0.0.1:1' } },
        routes: [{ id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy', translate: { response } } }],
      },
      'test',
      mappings ? { mappings } : {},
    );

  it('refuses a mapping that does not compile, with its error position', () => {
    try {
      table('test/broken', resolve);
      throw new Error('loaded');
    } catch (e) {
      expect(e).toBeInstanceOf(RouteTableError);
      expect((e as RouteTableError).issues).toEqual([
        { path: 'routes[0].legacy.translate.response', message: 'position 3: S0202 mapping test/broken does not compile' },
      ]);
    }
  });

  it('refuses translation without an ACL, and a badly formed mapping name', () => {
    expect(() => table('test/upper')).toThrow(/routes\[0\]\.legacy\.translate\.response: no anti-corruption layer is loaded/);
    expect(() => table('Upper', resolve)).toThrow(/routes\[0\]\.legacy\.translate\.response: must name an ACL mapping/);
  });
});
