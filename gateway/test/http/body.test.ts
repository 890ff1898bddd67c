import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { isJson, readBody } from '../../src/http/body';

/** A body stream standing in for a request or an answer; `complete` is what Node's parser sets at the end. */
function bodyStream(): PassThrough & { complete: boolean } {
  return Object.assign(new PassThrough(), { complete: false });
}

const read = (stream: PassThrough, limit: number) => readBody(stream as unknown as IncomingMessage, limit);

describe('readBody', () => {
  it('reads the whole body, chunk after chunk, up to and including the limit', async () => {
    const s = bodyStream();
    const body = read(s, 10);
    s.write('hello ');
    s.end('body');
    expect(await body).toEqual({ ok: true, body: Buffer.from('hello body') });
  });

  it('past the limit: too-large at once, without waiting for the end, and the stream is left paused', async () => {
    const s = bodyStream();
    const body = read(s, 4);
    s.write('12345');
    expect(await body).toEqual({ ok: false, why: 'too-large' });
    expect(s.isPaused()).toBe(true);
  });

  it('a stream that errors before its end is incomplete, never a rejection', async () => {
    const s = bodyStream();
    const body = read(s, 100);
    s.write('half');
    s.destroy(new Error('ECONNRESET'));
    expect(await body).toEqual({ ok: false, why: 'incomplete' });
  });

  it('a stream that closes before its end is incomplete; one the parser saw complete is whole', async () => {
    const cut = bodyStream();
    const short = read(cut, 100);
    cut.write('half');
    cut.destroy();
    expect(await short).toEqual({ ok: false, why: 'incomplete' });

    const whole = bodyStream();
    const done = read(whole, 100);
    whole.write('all of it');
    await new Promise((r) => setImmediate(r)); // the chunk is read before the close
    whole.complete = true;
    whole.destroy();
    expect(await done).toEqual({ ok: true, body: Buffer.from('all of it') });
  });

  it('resumes a stream an earlier stage paused', async () => {
    const s = bodyStream();
    s.pause();
    const body = read(s, 100);
    s.end('x');
    expect(await body).toEqual({ ok: true, body: Buffer.from('x') });
  });
});

describe('isJson', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/problem+json', 'application/vnd.api+json'])('%s is JSON', (type) => {
    expect(isJson(type)).toBe(true);
  });

  it.each(['text/json', 'text/plain', 'application/jsonp', 'application/x-www-form-urlencoded', ''])('%s is not', (type) => {
    expect(isJson(type)).toBe(false);
  });

  it('no content type is not JSON', () => {
    expect(isJson(undefined)).toBe(false);
  });
});
