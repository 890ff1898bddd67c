import { AclMappingError, AclTimeoutError, createAcl } from '../index';
import { NOW, rejection, tempRoot } from './kit';

describe('failures while a mapping runs', () => {
  it('turns a throw inside the expression into an AclMappingError with code and position', async () => {
    const root = tempRoot({ 'catalog/product-read.jsonata': '(\n  $x := 1;\n  $error("boom")\n)' });
    const err = await rejection(createAcl({ root }).load('catalog/product-read').evaluate({}, { now: NOW }));
    expect(err).toBeInstanceOf(AclMappingError);
    expect(err).toMatchObject({ code: 'AclMappingError', status: 502, mapping: 'catalog/product-read', location: { jsonataCode: 'D3137', position: 22 } });
    expect((err as Error).message).toBe('catalog/product-read: position 22: D3137 boom');
  });

  it('stops a non-terminating (tail-recursive) loop on the timeout', async () => {
    const root = tempRoot({ 'catalog/product-read.jsonata': '($loop := function($n) { $loop($n + 1) }; $loop(0))' });
    // When it stops is the guardrails' (guardrails.test.ts, on a stepping clock); here, that a mapping's loop ends in AclTimeoutError.
    const err = await rejection(createAcl({ root, timeoutMs: 50 }).load('catalog/product-read').evaluate({}, { now: NOW }));
    expect(err).toBeInstanceOf(AclTimeoutError);
    expect(err).toMatchObject({ guardrail: 'timeout', limit: 50, mapping: 'catalog/product-read' });
  });

  it('stops a runaway recursion on the depth limit', async () => {
    const root = tempRoot({ 'catalog/product-read.jsonata': '($deep := function($n) { 1 + $deep($n + 1) }; $deep(0))' });
    const err = await rejection(createAcl({ root, maxDepth: 200, timeoutMs: 5000 }).load('catalog/product-read').evaluate({}, { now: NOW }));
    expect(err).toBeInstanceOf(AclTimeoutError);
    expect(err).toMatchObject({ guardrail: 'depth', limit: 200 });
  });

  it('keeps the guardrail of concurrent evaluations apart', async () => {
    const root = tempRoot({ 'catalog/product-read.jsonata': 'loop ? ($l := function($n) { $l($n + 1) }; $l(0)) : {"ok": true}' });
    const mapping = createAcl({ root, timeoutMs: 1000 }).load('catalog/product-read');
    const looping = rejection(mapping.evaluate({ loop: true }, { now: NOW }));
    const fine = Promise.all(Array.from({ length: 20 }, () => mapping.evaluate({ loop: false }, { now: NOW }).catch((e: unknown) => e)));
    // The output schema refuses {"ok":true} (it is not a product); what matters is that none timed out.
    expect((await fine).every((e) => !(e instanceof AclTimeoutError))).toBe(true);
    expect(await looping).toBeInstanceOf(AclTimeoutError);
  });

  it('passes the request time as $now and never lets a mapping read the clock', async () => {
    const root = tempRoot({
      'orders/create-to-legacy.jsonata': '{"CUST_ID": 1, "ORD_RMK": $now, "LINES": [{"PRD_ID": 1, "ORD_LN_QTY": 1}]}',
      'catalog/product-read.jsonata': '$millis()',
      'orders/order-read.jsonata': '$now()',
    });
    const acl = createAcl({ root });
    const body = { customerId: 1, lines: [{ productId: 1, quantity: 1 }] };
    await expect(acl.load('orders/create-to-legacy').evaluate(body, { now: NOW })).resolves.toEqual({
      CUST_ID: 1, ORD_RMK: '2026-01-01T00:00:00.000Z', LINES: [{ PRD_ID: 1, ORD_LN_QTY: 1 }],
    });
    await expect(acl.load('catalog/product-read').evaluate({}, { now: NOW })).rejects.toBeInstanceOf(AclMappingError);
    await expect(acl.load('orders/order-read').evaluate({}, { now: NOW })).rejects.toBeInstanceOf(AclMappingError);
  });
});
