import { Exchange, type Stage } from '../../src/pipeline/exchange';
import { GatewayError } from '../../src/http/problems';
import { recordingResponse, requestHead, smallTable } from './kit';

function exchange(stages: Stage[]) {
  const { res, written } = recordingResponse();
  return { x: new Exchange(requestHead(), res, smallTable(), stages), written };
}

describe('Exchange.next', () => {
  it('runs the stages in order, each when the one before calls next, and stops when one does not', () => {
    const ran: string[] = [];
    const { x } = exchange([
      (e) => (ran.push('a'), e.next()),
      (e) => (ran.push('b'), e.next()),
      () => void ran.push('c answers'),
      () => void ran.push('d'),
    ]);
    x.next();
    expect(ran).toEqual(['a', 'b', 'c answers']);
  });

  it('a stage that throws is a 500 for this request naming the failure; no later stage runs', () => {
    const ran: string[] = [];
    const { x, written } = exchange([
      () => {
        throw new Error('stage bug');
      },
      () => void ran.push('later'),
    ]);
    expect(() => x.next()).not.toThrow();
    expect(ran).toEqual([]);
    expect(x.error).toMatchObject({ code: 'internal-error', message: 'stage bug' });
    expect(written.status).toBe(500);
    expect(JSON.parse(written.body)).toMatchObject({ status: 500 });
  });

  it('past the last stage, next does nothing', () => {
    const { x, written } = exchange([]);
    x.next();
    x.next();
    expect(written.headersSent).toBe(false);
  });
});

describe('Exchange.refuse', () => {
  it('answers with the problem and its request id, and records the error for the log', () => {
    const { x, written } = exchange([]);
    x.requestId = 'req-9';
    x.refuse(new GatewayError('missing-host', 'no Host'));
    expect(x.error?.code).toBe('missing-host');
    expect(written.status).toBe(400);
    expect(written.headers).toMatchObject({ 'x-request-id': 'req-9', 'content-type': 'application/problem+json' });
    expect(written.headers['connection']).toBeUndefined();
    expect(JSON.parse(written.body)).toMatchObject({ requestId: 'req-9' });
  });
});

describe('Exchange end hooks and signal', () => {
  it('runs every end hook once when the response closes, not before, and not one that was unregistered', () => {
    const { x } = exchange([]);
    const ran: string[] = [];
    x.onEnd(() => ran.push('a'));
    const off = x.onEnd(() => ran.push('b'));
    x.onEnd(() => ran.push('c'));
    off();
    expect([ran, x.ended]).toEqual([[], false]);
    x.end();
    x.end();
    expect([ran, x.ended]).toEqual([['a', 'c'], true]);
  });

  it('a hook added after the end runs at once', () => {
    const { x } = exchange([]);
    x.end();
    const ran: string[] = [];
    x.onEnd(() => ran.push('late'));
    expect(ran).toEqual(['late']);
  });

  it('the signal aborts when the request ends, and is born aborted after it', () => {
    const early = exchange([]).x;
    const signal = early.signal;
    expect(signal.aborted).toBe(false);
    early.end();
    expect(signal.aborted).toBe(true);
    const late = exchange([]).x;
    late.end();
    expect(late.signal.aborted).toBe(true);
  });
});
