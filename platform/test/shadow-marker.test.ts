import express from 'express';
import request from 'supertest';
import { isShadowRequest, markShadow, SHADOW_HEADER } from '../index';

/** Answers whether the request was a shadow copy, and marks the answer when it was. */
function app(): express.Application {
  const a = express();
  a.get('/', (req, res) => {
    const copy = isShadowRequest(req);
    if (copy) markShadow(res);
    res.json({ copy });
  });
  return a;
}

describe('shadow marker: the header the gateway puts on a mirrored copy', () => {
  it('is the header the gateway sends', () => {
    expect(SHADOW_HEADER).toBe('x-strangler-shadow');
  });

  it('treats a request without the header as real, and leaves its answer unmarked', async () => {
    const res = await request(app()).get('/');
    expect(res.body).toEqual({ copy: false });
    expect(res.headers[SHADOW_HEADER]).toBeUndefined();
  });

  it.each(['1', 'true', 'yes', ' 1 '])('counts %j as a copy and marks the answer', async (value) => {
    const res = await request(app()).get('/').set(SHADOW_HEADER, value);
    expect(res.body).toEqual({ copy: true });
    expect(res.headers[SHADOW_HEADER]).toBe('1');
  });

  it.each(['', '0', 'false', 'FALSE', ' 0 '])('counts %j as not a copy', async (value) => {
    const res = await request(app()).get('/').set(SHADOW_HEADER, value);
    expect(res.body).toEqual({ copy: false });
    expect(res.headers[SHADOW_HEADER]).toBeUndefined();
  });
});
