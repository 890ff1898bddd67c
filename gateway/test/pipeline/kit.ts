import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileRouteTable } from '../../src/config/load';
import type { RouteTable } from '../../src/config/table';

/**
 * Stand-ins for the pipeline's unit tests: a request head as Node's parser hands it over, and a
 * response that records what the gateway wrote, so a stage runs without a socket.
 */

export interface Head {
  readonly method?: string;
  readonly url?: string;
  readonly version?: '0.9' | '1.0' | '1.1' | '2.0';
  /** Raw fields in order, as sent. */
  readonly raw?: readonly string[];
}

export function requestHead({ method = 'GET', url = '/x', version = '1.1', raw = ['Host', 'gw'] }: Head = {}): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) headers[(raw[i] as string).toLowerCase()] ??= raw[i + 1] as string;
  const [major, minor] = version.split('.').map(Number);
  return Object.assign(new EventEmitter(), { method, url, httpVersion: version, httpVersionMajor: major, httpVersionMinor: minor, rawHeaders: [...raw], headers, socket: new EventEmitter() }) as unknown as IncomingMessage;
}

/** What the gateway wrote to a response. */
export interface Recorded {
  status: number;
  headers: Record<string, unknown>;
  body: string;
  headersSent: boolean;
}

export function recordingResponse(): { res: ServerResponse; written: Recorded } {
  const written: Recorded = { status: 0, headers: {}, body: '', headersSent: false };
  const res = Object.assign(new EventEmitter(), {
    get headersSent() {
      return written.headersSent;
    },
    writeHead(status: number, headers: Record<string, unknown>) {
      written.status = status;
      written.headers = headers;
      written.headersSent = true;
    },
    end(body?: string) {
      written.body = body ?? '';
    },
    destroy() {},
  });
  return { res: res as unknown as ServerResponse, written };
}

/** The smallest table: one catch-all route, default limits unless given. */
export function smallTable(limits: Record<string, unknown> = {}): RouteTable {
  return compileRouteTable({ upstreams: { app: { url: 'http://127.0.0.1:1' } }, limits, routes: [{ id: 'all', path: '/*', mode: 'legacy', legacy: { upstream: 'app' } }] }, 'test');
}
