import { isRouteTableError } from '../config/errors';
import { loadRouteTableFile } from '../config/load';
import { AdminApiError, AdminClient } from '../control/admin-client';
import { ControlService } from '../control/control';
import { isControlError } from '../control/errors';
import { KnexStateStore } from '../control/state-store';
import { openStateDb } from '../control/store-db';
import type { Control } from '../control/types';
import { openRolloutParts } from '../control/rollout/evidence';
import type { RolloutControl } from '../control/rollout/types';
import { ShadowStore, noiseFromTable } from '../shadow/results-store';
import { aclMappings } from '../translate/acl-adapter';
import { resolveAddress, type Address, DEFAULT_URLS } from './addresses';
import { adminTokenFile, readAdminToken, type AdminToken } from './admin-token';
import { UsageError } from './options';

/** Where the route control commands act: flags as commander hands them over. */
export interface TargetFlags {
  readonly store?: string;
  readonly routes?: string;
  readonly admin?: string;
}

/** An open control target: the operations, how changes are recorded (`via`), and how to let go of it. */
export interface ControlTarget {
  readonly control: Control;
  readonly rollouts: RolloutControl;
  readonly via: string;
  close(): Promise<void>;
}

export const DEFAULT_ADMIN_URL = DEFAULT_URLS.admin;

/** A target that cannot be reached or used; its message is one printable line. */
class TargetError extends Error {}

/** What the CLI talks to, safe to print: a store URL never shows its password. */
interface Place {
  readonly admin: boolean;
  readonly name: string;
  readonly secrets: readonly string[];
  /** The admin API's address and where it came from, to be named when it cannot be reached. */
  readonly address?: Address;
  /** Where the admin token came from, to be named when it is refused. */
  token?: AdminToken;
}

function placeOf(flags: TargetFlags, env: NodeJS.ProcessEnv): Place {
  if (flags.store === undefined) {
    const address = resolveAddress('admin', flags.admin, env);
    return { admin: true, name: `the admin API at ${address.url}`, secrets: [], address };
  }
  try {
    const u = new URL(flags.store);
    if (u.password === '') return { admin: false, name: `the state store ${flags.store}`, secrets: [] };
    const secrets = [u.password, decodeURIComponent(u.password)];
    u.password = '***';
    return { admin: false, name: `the state store ${u.toString()}`, secrets };
  } catch {
    return { admin: false, name: 'the state store', secrets: [] };
  }
}


/** Refuses contradictory flags before anything is opened. */
export function checkTargetFlags(flags: TargetFlags, env: NodeJS.ProcessEnv): void {
  if (flags.store !== undefined && flags.admin !== undefined) throw new UsageError('use either --store <url> or --admin <url>, not both');
  if (flags.store === undefined && flags.routes !== undefined) throw new UsageError('--routes only applies with --store (a running gateway uses its own route table)');
  if (flags.store !== undefined) return;
  const address = resolveAddress('admin', flags.admin, env);
  if (!isHttpUrl(address.url)) throw new UsageError(`${address.source} "${address.url}" is not an http(s) URL`);
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

async function openTarget(flags: TargetFlags, env: NodeJS.ProcessEnv, place: Place): Promise<ControlTarget> {
  if (flags.store !== undefined) {
    const table = loadRouteTableFile(flags.routes ?? (env.STRANGLER_ROUTES || 'routes.json'), { mappings: aclMappings() });
    // One database for the route state and the shadow results, as in the gateway; closing the state store closes it.
    const db = openStateDb(flags.store);
    const store = new KnexStateStore(db);
    const shadow = new ShadowStore(db, { noise: noiseFromTable(() => table) });
    let rollouts: Awaited<ReturnType<typeof openRolloutParts>>;
    try {
      await store.migrate();
      await shadow.migrate();
      rollouts = await openRolloutParts(db, shadow);
    } catch (e) {
      await store.close().catch(() => undefined);
      throw new TargetError(unreachable(e, place) ?? `cannot use ${place.name}`);
    }
    const control = new ControlService({ store, baseline: () => table, shadow, rollouts });
    return { control, rollouts: control, via: 'cli --store', close: () => store.close() };
  }
  const token = readAdminToken(env);
  if (token === null) throw new TargetError(`no admin token: set STRANGLER_ADMIN_TOKEN or start the stack with \`strangler up\` (it writes ${adminTokenFile(env)}); or act on the state store with --store <url>`);
  place.token = token;
  const admin = new AdminClient({ url: place.address?.url ?? DEFAULT_ADMIN_URL, token: token.token });
  return { control: admin, rollouts: admin, via: 'cli', close: () => Promise.resolve() };
}

/** The cause of a connection or driver failure as one line (`connect ECONNREFUSED 127.0.0.1:9090`), or null when the error is not one. */
function unreachable(e: unknown, place: Place): string | null {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const code = codeOf(cause) ?? codeOf(e);
  // No code, or Node's own ERR_* (a programming error): not a connection or driver failure.
  if (code === undefined || code.startsWith('ERR_')) return null;
  const detail = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0] ?? '';
  const network = NETWORK_CODES.has(code);
  const where = network && place.address ? ` (address from ${place.address.source}; ${place.address.change})` : '';
  return `cannot ${network ? 'reach' : 'use'} ${place.name}: ${scrub(detail || code, place.secrets)}${where}`;
}

/** Failures to connect at all, as opposed to a store that answered with an error. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'PROTOCOL_CONNECTION_LOST']);

function codeOf(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function scrub(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join('***'), text);
}

/**
 * Opens the target the flags name, runs the work, closes the target. Expected failures print one
 * line `strangler: …` and set the exit status: 1 for a refused operation or an unreachable
 * target, 2 for a malformed request (UsageError goes to main.ts, which exits 2). Anything else is
 * a bug and keeps its stack.
 */
export async function withTarget(flags: TargetFlags, env: NodeJS.ProcessEnv, work: (target: ControlTarget) => Promise<void>): Promise<void> {
  checkTargetFlags(flags, env);
  const place = placeOf(flags, env);
  let target: ControlTarget | undefined;
  try {
    target = await openTarget(flags, env, place);
    await work(target);
  } catch (e) {
    const line = failureLine(e, place);
    if (line === null) throw e;
    process.stderr.write(`strangler: ${line.text}\n`);
    process.exitCode = line.exit;
  } finally {
    await target?.close().catch(() => undefined);
  }
}

function failureLine(e: unknown, place: Place): { text: string; exit: number } | null {
  if (e instanceof UsageError) return null;
  // An admin API that cannot be reached: where its address came from, and how to change it.
  if (isControlError(e) && e.code === 'store-unavailable' && place.address) return { text: `${e.message}; the address came from ${place.address.source}: ${place.address.change}`, exit: 1 };
  // A ControlError never repeats a store URL (store-db.ts keeps it out), so its message is printed as is.
  if (isControlError(e)) return { text: e.message, exit: e.code === 'invalid-request' ? 2 : 1 };
  if (e instanceof AdminApiError && e.status === 401 && place.token) return { text: `${e.message} (the token came from ${place.token.source}; the gateway at ${place.address?.url} was started with another)`, exit: 1 };
  if (e instanceof TargetError || e instanceof AdminApiError) return { text: e.message, exit: 1 };
  if (isRouteTableError(e)) return { text: e.message.trimEnd(), exit: 1 };
  const text = unreachable(e, place);
  if (text !== null) return { text, exit: 1 };
  // AdminClient is a thin transport: whatever else it throws is about the exchange (and never carries the token), so one line.
  if (place.admin && e instanceof Error) return { text: e.message, exit: 1 };
  return null;
}
