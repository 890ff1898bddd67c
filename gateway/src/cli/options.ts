/** Small parsers for CLI options, each failing with a message that names the bad value. */

export class UsageError extends Error {
  readonly code = 'E_USAGE';
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) throw new UsageError(`"${value}" is not a port number (0-65535)`);
  return n;
}

/**
 * `--trusted-proxy` flags and the comma-separated `STRANGLER_TRUSTED_PROXIES` together: addresses or
 * CIDR blocks added to the table's trustedProxies (checked by the route table loader).
 */
export function trustedProxiesFrom(flags: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const fromEnv = (env.STRANGLER_TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return [...fromEnv, ...flags];
}

/**
 * `--upstream name=url` flags win over `STRANGLER_UPSTREAM_<NAME>` variables (`_` in the variable
 * stands for `-` in the name). Only the shape is checked here; the route table loader checks that
 * the name exists and that the URL is one an upstream may have.
 */
export function upstreamUrlsFrom(flags: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  // A Map, so that a name such as "__proto__" stays a name and reaches the loader to be refused.
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) {
    const m = /^STRANGLER_UPSTREAM_([A-Z0-9_]+)$/.exec(key);
    if (m && value) out.set((m[1] as string).toLowerCase().replace(/_/g, '-'), value);
  }
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UsageError(`--upstream "${flag}" must look like name=http://host:port`);
    out.set(flag.slice(0, eq), flag.slice(eq + 1));
  }
  return Object.fromEntries(out);
}
