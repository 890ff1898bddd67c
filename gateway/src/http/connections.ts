import type { Socket } from 'node:net';

const STATE = Symbol('strangler.connection');

/** What the gateway keeps of one client connection: its requests in progress, pipelined ones included. */
interface ConnectionState {
  readonly open: Set<() => void>;
  /** After a parser error: close once the requests in progress are answered. */
  closeWhenIdle: boolean;
}

type Tracked = Socket & { [STATE]?: ConnectionState };

/**
 * Registers a request in progress on its connection. `gone` runs if the connection closes first
 * (a pipelined request whose response never got its turn ends then, and is logged, like any
 * other); the returned function marks the request done.
 */
export function inProgress(socket: Socket, gone: () => void): () => void {
  const tracked = socket as Tracked;
  let state = tracked[STATE];
  if (!state) {
    const s: ConnectionState = (state = tracked[STATE] = { open: new Set(), closeWhenIdle: false });
    socket.once('close', () => {
      for (const end of [...s.open]) end();
      s.open.clear();
    });
  }
  const s = state;
  s.open.add(gone);
  return () => {
    s.open.delete(gone);
    if (s.closeWhenIdle && s.open.size === 0) socket.destroy();
  };
}

/**
 * After the parser refused what followed: the requests already in progress on the connection are
 * answered, in order, and then it closes; nothing more is read from it. False when none is.
 */
export function closeWhenIdle(socket: Socket): boolean {
  const state = (socket as Tracked)[STATE];
  if (!state || state.open.size === 0) return false;
  state.closeWhenIdle = true;
  socket.pause();
  return true;
}
