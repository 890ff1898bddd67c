import os from 'node:os';
import type { AuditEntry, RouteState } from './types';

/** The newest flip not yet undone: rollbacks pop changes like a stack, so repeated rollbacks walk back in time. */
export function lastUndoable(entries: readonly AuditEntry[]): AuditEntry | null {
  const undone = new Set<number>();
  for (const e of entries) {
    if (e.action === 'rollback') {
      if (e.undoes !== null) undone.add(e.undoes);
    } else if (!undone.has(e.id)) {
      return e;
    }
  }
  return null;
}

/** A route state as an audit entry or overlay entry holds it, without the entry's other fields. */
export function stateOf(e: RouteState): RouteState {
  return e.percent === undefined ? { mode: e.mode } : { mode: e.mode, percent: e.percent };
}

/** Who made a change, for the audit log: the name given, else the admin token, else the local user. */
export function actorOf(given: string | undefined, via: string): string {
  const name = given?.trim();
  if (name) return name;
  if (via.startsWith('admin-api') || via.startsWith('dashboard')) return 'admin-token';
  try {
    return `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return 'unknown';
  }
}
