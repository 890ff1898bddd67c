import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dataDirOf } from './stack-file';

/**
 * The admin token, one rule for the gateway and the CLI: `STRANGLER_ADMIN_TOKEN` when set, else
 * the file `<data dir>/admin-token` (which `strangler up` writes). Each answer says where the
 * token came from, so that "the bearer token is wrong" can name the source to fix.
 */
export interface AdminToken {
  readonly token: string;
  /** `STRANGLER_ADMIN_TOKEN` or the file's path. */
  readonly source: string;
}

export function adminTokenFile(env: NodeJS.ProcessEnv): string {
  return path.join(dataDirOf(env), 'admin-token');
}

/** The token by the rule above, or null when neither gives one. */
export function readAdminToken(env: NodeJS.ProcessEnv): AdminToken | null {
  if (env.STRANGLER_ADMIN_TOKEN) return { token: env.STRANGLER_ADMIN_TOKEN, source: 'STRANGLER_ADMIN_TOKEN' };
  const file = adminTokenFile(env);
  try {
    const token = readFileSync(file, 'utf8').trim();
    return token === '' ? null : { token, source: file };
  } catch {
    return null;
  }
}

/**
 * The token a new local stack runs with: STRANGLER_ADMIN_TOKEN when set, else a fresh random one
 * written to the file (owner-only). Called only once nothing else is running from the data
 * directory, so a running stack's token is never replaced.
 */
export function newStackToken(env: NodeJS.ProcessEnv): AdminToken {
  if (env.STRANGLER_ADMIN_TOKEN) return { token: env.STRANGLER_ADMIN_TOKEN, source: 'STRANGLER_ADMIN_TOKEN' };
  const file = adminTokenFile(env);
  const token = randomBytes(24).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, token + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, source: file };
}
