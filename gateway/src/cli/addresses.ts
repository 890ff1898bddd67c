import { runningStack } from './stack-file';

/**
 * Where a CLI command finds the gateway's admin API and the services, and why: a flag, else a
 * variable (the URL, or the same `*_PORT` / `*_HOST` the stack reads), else the running stack's
 * `stack.json`, else the default. `source` says which, and `change` how to point elsewhere, so
 * that a connection error can name both.
 */
export interface Address {
  readonly url: string;
  readonly source: string;
  readonly change: string;
}

interface Rule {
  readonly flag: string;
  readonly urlVar: string;
  readonly portVar: string;
  readonly hostVar: string;
  readonly fromStack: (stack: NonNullable<ReturnType<typeof runningStack>>['stack']) => string | null;
  readonly fallback: string;
}

const RULES = {
  admin: { flag: '--admin', urlVar: 'STRANGLER_ADMIN_URL', portVar: 'STRANGLER_ADMIN_PORT', hostVar: 'STRANGLER_ADMIN_HOST', fromStack: (s) => s.admin, fallback: 'http://127.0.0.1:9090' },
  catalog: { flag: '--catalog-url', urlVar: 'CATALOG_URL', portVar: 'CATALOG_PORT', hostVar: 'CATALOG_HOST', fromStack: (s) => s.catalog[0] ?? null, fallback: 'http://127.0.0.1:4001' },
  orders: { flag: '--orders-url', urlVar: 'ORDERS_URL', portVar: 'ORDERS_PORT', hostVar: 'ORDERS_HOST', fromStack: (s) => s.orders, fallback: 'http://127.0.0.1:4002' },
  inventory: { flag: '--inventory-url', urlVar: 'INVENTORY_URL', portVar: 'INVENTORY_PORT', hostVar: 'INVENTORY_HOST', fromStack: (s) => s.inventory ?? null, fallback: 'http://127.0.0.1:4003' },
} as const satisfies Record<string, Rule>;

export type AddressOf = keyof typeof RULES;

/** The default each rule falls back to. */
export const DEFAULT_URLS: Readonly<Record<AddressOf, string>> = { admin: RULES.admin.fallback, catalog: RULES.catalog.fallback, orders: RULES.orders.fallback, inventory: RULES.inventory.fallback };

export function resolveAddress(what: AddressOf, flag: string | undefined, env: NodeJS.ProcessEnv): Address {
  const r: Rule = RULES[what];
  const change = `set ${r.flag} <url>, ${r.urlVar} or ${r.portVar}`;
  if (flag !== undefined) return { url: flag, source: r.flag, change: `change ${r.flag}` };
  const url = env[r.urlVar];
  if (url) return { url, source: r.urlVar, change: `change ${r.urlVar}` };
  const port = env[r.portVar];
  // Port 0 is "any free port" to the stack: only the stack file knows which one it got.
  if (port && port !== '0') return { url: `http://${env[r.hostVar] || '127.0.0.1'}:${port}`, source: r.portVar, change: `change ${r.portVar} or set ${r.flag} <url>` };
  const running = runningStack(env);
  const fromStack = running ? r.fromStack(running.stack) : null;
  if (running && fromStack) return { url: fromStack, source: `the running stack (${running.file})`, change };
  return { url: r.fallback, source: 'the default; no stack is running from this data directory (npm start)', change };
}
