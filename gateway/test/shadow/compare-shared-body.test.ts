import { compareAnswers } from '../../src/shadow/compare';
import { storableSample } from '../../src/shadow/redact';
import type { CallResult } from '../../src/shadow/shadow-call';
import type { ComparedAnswer } from '../../src/shadow/types';
import { ROUTE, shadowTable } from './kit';

/**
 * compareAnswers without a gateway: answers whose bytes are equal share one model and are not
 * compared body to body, yet every difference elsewhere is still found, and a sample still holds
 * both bodies parsed.
 */

const table = shadowTable('http://127.0.0.1:1', 'http://127.0.0.1:2', { shadow: { sample: 1, compareHeaders: ['content-type', 'x-version'] } });
const route = table.routes.filter((r) => r.id === ROUTE)[0] as (typeof table.routes)[number];
const request = { method: 'GET', path: '/products/1', headers: { accept: 'application/json' } };

function answer(body: string, headers: Record<string, string> = {}, status = 200): CallResult {
  return { ok: true, answer: { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(body), truncated: false, ms: 1, requestedAt: 1_700_000_000_000 } };
}

async function compare(legacy: CallResult, fresh: CallResult, noise: CallResult | null = null) {
  const outcome = await compareAnswers(route, request, { legacy, fresh, noise });
  if (outcome.kind !== 'compared') throw new Error(`not compared: ${JSON.stringify(outcome)}`);
  return outcome;
}

const BODY = '{"id":1,"name":"Kettle","tags":["a","b"]}';

it('equal bytes and headers: a match', async () => {
  const outcome = await compare(answer(BODY, { 'x-version': '3' }), answer(BODY, { 'x-version': '3' }));
  expect(outcome.differences).toEqual([]);
});

it('equal bytes but a compared header differs: the header is the one difference, and the sample holds both bodies parsed', async () => {
  const outcome = await compare(answer(BODY, { 'x-version': '3' }), answer(BODY, { 'x-version': '4' }));
  expect(outcome.differences).toEqual([{ path: 'header:x-version', kind: 'changed' }]);
  const stored = JSON.parse(JSON.stringify(storableSample({ at: 'now', request, legacy: outcome.legacy, new: outcome.fresh, differences: outcome.differences })));
  expect(stored.legacy).toEqual({ status: 200, headers: { 'content-type': 'application/json', 'x-version': '3' }, body: JSON.parse(BODY), truncated: false, ms: 1 });
  expect(stored.new).toEqual({ status: 200, headers: { 'content-type': 'application/json', 'x-version': '4' }, body: JSON.parse(BODY), truncated: false, ms: 1 });
});

it('bytes that differ only in layout are parsed and compared, and match', async () => {
  const outcome = await compare(answer(BODY), answer('{ "id": 1, "name": "Kettle", "tags": ["a", "b"] }'));
  expect(outcome.differences).toEqual([]);
});

it('a changed field is found when the bytes differ', async () => {
  const outcome = await compare(answer(BODY), answer(BODY.replace('Kettle', 'Kettel')));
  expect(outcome.differences).toEqual([{ path: 'name', kind: 'changed' }]);
  expect((outcome.fresh as ComparedAnswer).body).toEqual({ id: 1, name: 'Kettel', tags: ['a', 'b'] });
});

it('the status is compared even when the bodies are the same bytes', async () => {
  const outcome = await compare(answer(BODY), answer(BODY, {}, 203));
  expect(outcome.differences).toEqual([{ path: 'http:status', kind: 'changed' }]);
});

it('a second legacy answer with the same bytes is no noise; one with other bytes is, on its field', async () => {
  const fresh = answer(BODY);
  expect((await compare(answer(BODY), fresh, answer(BODY))).noise).toEqual([]);
  const noisy = await compare(answer(BODY), fresh, answer(BODY.replace('"b"', '"c"')));
  expect(noisy.differences).toEqual([]);
  expect(noisy.noise).toEqual([{ path: 'tags[*]', kind: 'changed' }]);
});

it('a body that is not JSON is compared as text', async () => {
  const text = (body: string) => answer(body, { 'content-type': 'text/plain' });
  const same = await compare(text('hello'), text('hello'));
  expect(same.differences).toEqual([]);
  expect(same.legacy.body).toBe('hello');
  expect((await compare(text('hello'), text('hullo'))).differences).toEqual([{ path: 'body', kind: 'changed' }]);
});
