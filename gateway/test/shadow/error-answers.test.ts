import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatShadowReports } from '../../src/cli/shadow-format';
import { TranslationError } from '../../src/config/mapping';
import { openStateDb } from '../../src/control/store-db';
import { compareAnswers } from '../../src/shadow/compare';
import { ShadowRecorder } from '../../src/shadow/recorder';
import { ShadowStore } from '../../src/shadow/results-store';
import type { CallResult } from '../../src/shadow/shadow-call';
import { ROUTE, shadowTable } from './kit';

/**
 * Non-2xx answers and answers the ACL refuses, in the shadow comparison: a 404 on both sides is a
 * match whatever each side's error body looks like (unless the route maps legacy's errors), and a
 * legacy answer the mapping cannot translate is reported by mapping, field and a sample.
 */

const request = { method: 'GET', path: '/products/13', headers: { accept: 'application/json', authorization: 'Bearer secret' } };

function answer(status: number, body: unknown, type = 'application/json'): CallResult {
  return { ok: true, answer: { status, headers: { 'content-type': type }, body: Buffer.from(JSON.stringify(body)), truncated: false, ms: 1, requestedAt: 1_700_000_000_000 } };
}

const LEGACY_404 = { ERR_CD: 'E404', ERR_MSG: 'PRODUCT NOT FOUND' };
const PROBLEM_404 = { type: 'urn:catalog:problem:not-found', title: 'Not found', status: 404, detail: 'no product 13' };

const toProblem = (input: unknown) => {
  const e = input as { ERR_CD: string; ERR_MSG: string };
  return { type: 'urn:catalog:problem:not-found', title: 'Not found', status: Number(e.ERR_CD.slice(1)), detail: e.ERR_MSG.toLowerCase() };
};

function routeOf(options: Parameters<typeof shadowTable>[2]) {
  const table = shadowTable('http://127.0.0.1:1', 'http://127.0.0.1:2', options);
  return table.routes.find((r) => r.id === ROUTE)!;
}

describe('non-2xx answers', () => {
  it('a 404 on both sides with differently shaped error bodies is a match', async () => {
    const outcome = await compareAnswers(routeOf({}), request, { legacy: answer(404, LEGACY_404), fresh: answer(404, PROBLEM_404, 'application/problem+json'), noise: null });
    // content-type is compared: each side's error media type is its own, as the body is.
    expect(outcome).toMatchObject({ kind: 'compared', differences: [{ path: 'header:content-type', kind: 'changed' }] });
    const same = await compareAnswers(routeOf({}), request, { legacy: answer(404, LEGACY_404), fresh: answer(404, PROBLEM_404), noise: null });
    expect(same).toMatchObject({ kind: 'compared', differences: [] });
  });

  it('a 404 against a 200 differs by status only', async () => {
    const outcome = await compareAnswers(routeOf({}), request, { legacy: answer(404, LEGACY_404), fresh: answer(200, { id: 13 }), noise: null });
    expect(outcome).toMatchObject({ kind: 'compared', differences: [{ path: 'http:status', kind: 'changed' }] });
  });

  it("with an error mapping on legacy's side, error bodies are compared through it", async () => {
    const route = routeOf({ legacyErrorMapping: 'catalog/errors', mappings: { 'catalog/errors': toProblem } });
    const equal = await compareAnswers(route, request, { legacy: answer(404, LEGACY_404), fresh: answer(404, { ...PROBLEM_404, detail: 'product not found' }), noise: null });
    expect(equal).toMatchObject({ kind: 'compared', differences: [] });
    const differing = await compareAnswers(route, request, { legacy: answer(404, LEGACY_404), fresh: answer(404, PROBLEM_404), noise: null });
    expect(differing).toMatchObject({ kind: 'compared', differences: [{ path: 'detail', kind: 'changed' }] });
  });
});

describe('answers the ACL cannot translate', () => {
  const refuse = () => {
    throw new TranslationError('output', 'catalog/product-read', 'catalog/product-read: output refused by the target schema: status: Invalid option', [{ path: 'status', message: 'Invalid option: expected one of "active"|"discontinued"' }]);
  };
  const route = routeOf({ legacyResponseMapping: 'catalog/product-read', mappings: { 'catalog/product-read': refuse } });

  it('the outcome names the mapping, the field, the request and legacy’s answer', async () => {
    const outcome = await compareAnswers(route, request, { legacy: answer(200, { PRD_ID: 13, PRD_STS: 'Z' }), fresh: answer(200, { id: 13 }), noise: null });
    expect(outcome).toMatchObject({
      kind: 'compare-error',
      failure: { mapping: 'catalog/product-read', path: 'status', message: 'Invalid option: expected one of "active"|"discontinued"', request, legacy: { status: 200, body: '{"PRD_ID":13,"PRD_STS":"Z"}' } },
    });
  });

  it('the report lists each kind with its count and a sample, in JSON and in text', async () => {
    const now = new Date('2026-11-25T10:30:00Z');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-shadow-failures-'));
    const store = new ShadowStore(openStateDb(`sqlite:${path.join(dir, 's.sqlite')}`), { clock: () => now, ownsDb: true });
    await store.migrate();
    const recorder = new ShadowRecorder({ store, clock: () => now });
    try {
      for (let i = 0; i < 3; i++) recorder.record(await compareAnswers(route, request, { legacy: answer(200, { PRD_ID: 13, PRD_STS: 'Z' }), fresh: answer(200, { id: 13 }), noise: null }));
      await recorder.flush();
      const since = new Date(now.getTime() - 3_600_000);
      const [report] = await store.report(ROUTE, since);
      expect(report?.compareErrors).toBe(3);
      expect(report?.compareFailures).toEqual([
        {
          mapping: 'catalog/product-read',
          path: 'status',
          message: 'Invalid option: expected one of "active"|"discontinued"',
          count: 3,
          sample: { at: now.toISOString(), request: { ...request, headers: { accept: 'application/json', authorization: '[redacted]' } }, legacy: { status: 200, body: '{"PRD_ID":13,"PRD_STS":"Z"}' } },
        },
      ]);
      const text = formatShadowReports([report!], since);
      expect(text).toContain('    catalog/product-read at status: Invalid option: expected one of "active"|"discontinued" (3 requests)\n');
      expect(text).toContain('      e.g. GET /products/13 at 2026-11-25T10:30:00Z; legacy answered 200: {"PRD_ID":13,"PRD_STS":"Z"}\n');
    } finally {
      await recorder.stop();
      await store.close();
    }
  });
});
