import type { Knex } from 'knex';
import { Writable } from 'node:stream';
import type winston from 'winston';
import { compileRouteTable } from '../../src/config/load';
import type { RouteTable } from '../../src/config/table';
import { KnexStateStore } from '../../src/control/state-store';
import { openStateDb } from '../../src/control/store-db';
import { createLogger } from '../../src/observability/logger';

/**
 * Rows as another gateway version would write them, put straight into the state store's tables
 * with knex (the store itself would refuse to write them), and what the tests need around them.
 */

export const STATE_TABLE = 'strangler_route_state';
export const AUDIT_TABLE = 'strangler_route_audit';

/** A migrated state store in memory, with its knex handle for writing rows behind the store's back. */
export async function memoryStateStore(): Promise<{ db: Knex; store: KnexStateStore }> {
  const db = openStateDb('sqlite::memory:');
  const store = new KnexStateStore(db);
  await store.migrate();
  return { db, store };
}

/** A state version with its overlay column exactly as given (the text a newer replica wrote). */
export async function writeStateRow(db: Knex, version: number, overlay: string): Promise<void> {
  await db(STATE_TABLE).insert({ version, created_ms: Date.parse('2030-01-02T03:04:05Z'), overlay });
}

/** A well-formed state version whose overlay puts each route in the given mode (and canary share). */
export function overlayText(entries: Record<string, { mode: string; percent?: number }>, version: number): string {
  return JSON.stringify(Object.fromEntries(Object.entries(entries).map(([id, s]) => [id, { ...s, version }])));
}

/** An audit row with its columns overridden, e.g. `to_mode: 'dark'` from a gateway that knows a mode this one does not. */
export async function writeAuditRow(db: Knex, version: number, columns: Record<string, unknown> = {}): Promise<void> {
  await db(AUDIT_TABLE).insert({
    version,
    at_ms: Date.parse('2030-01-02T03:04:05Z'),
    actor: 'newer-replica',
    via: 'admin-api 10.0.0.9',
    route_id: 'products',
    action: 'flip',
    from_mode: 'shadow',
    from_percent: null,
    to_mode: 'new',
    to_percent: null,
    reason: 'written by another version',
    forced: false,
    undoes: null,
    ...columns,
  });
}

/** products and orders, both sides declared, both legacy in the file, and the catch-all every table has; `source` names its file. */
export function twoRouteTable(source = 'test'): RouteTable {
  return compileRouteTable(
    {
      upstreams: { legacy: { url: 'http://127.0.0.1:9' }, catalog: { url: 'http://127.0.0.1:10' } },
      routes: [
        { id: 'products', path: '/api/products/*', mode: 'legacy', legacy: { upstream: 'legacy' }, new: { upstream: 'catalog' } },
        { id: 'orders', path: '/api/orders/*', mode: 'legacy', legacy: { upstream: 'legacy' }, new: { upstream: 'catalog' } },
        { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } },
      ],
    },
    source,
  );
}

export interface CapturedLogs {
  readonly logger: winston.Logger;
  /** The lines written so far, parsed; waits for the logger's batch of this turn to be written. */
  entries(): Promise<Record<string, unknown>[]>;
}

/** The gateway's own logger format, written into memory. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
      done();
    },
  });
  const logger = createLogger({ stream });
  return {
    logger,
    entries: async () => {
      // The transport writes a turn's lines together, on the next turn.
      await new Promise((resolve) => setImmediate(resolve));
      return lines.map((l): Record<string, unknown> => JSON.parse(l));
    },
  };
}
