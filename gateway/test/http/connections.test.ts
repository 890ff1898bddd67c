import net from 'node:net';
import { closeWhenIdle, inProgress } from '../../src/http/connections';

/** A connection as the server sees it, without a peer: destroying it closes it. */
const connection = () => new net.Socket();
const closed = (socket: net.Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

describe('inProgress', () => {
  it('ends every request still in progress when its connection closes, pipelined ones included, and none that was done', async () => {
    const socket = connection();
    const ended: string[] = [];
    const doneFirst = inProgress(socket, () => ended.push('first'));
    inProgress(socket, () => ended.push('second'));
    inProgress(socket, () => ended.push('third'));
    doneFirst();
    const gone = closed(socket);
    socket.destroy();
    await gone;
    expect(ended).toEqual(['second', 'third']);
  });

  it('keeps the requests of different connections apart', async () => {
    const [a, b] = [connection(), connection()];
    const ended: string[] = [];
    inProgress(a, () => ended.push('a'));
    inProgress(b, () => ended.push('b'));
    const gone = closed(a);
    a.destroy();
    await gone;
    expect(ended).toEqual(['a']);
    b.destroy();
  });
});

describe('closeWhenIdle', () => {
  it('is false, and leaves the connection alone, when no request is in progress', () => {
    const socket = connection();
    inProgress(socket, () => undefined)();
    expect(closeWhenIdle(socket)).toBe(false);
    expect(closeWhenIdle(connection())).toBe(false);
    expect([socket.destroyed, socket.isPaused()]).toEqual([false, false]);
  });

  it('stops reading at once, and closes the connection once the last request in progress is done, not before', () => {
    const socket = connection();
    const doneFirst = inProgress(socket, () => undefined);
    const doneSecond = inProgress(socket, () => undefined);
    expect(closeWhenIdle(socket)).toBe(true);
    expect(socket.isPaused()).toBe(true);
    doneFirst();
    expect(socket.destroyed).toBe(false);
    doneSecond();
    expect(socket.destroyed).toBe(true);
  });
});
