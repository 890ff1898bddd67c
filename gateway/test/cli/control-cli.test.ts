import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStateStore } from '../../src/control/state-store';
import type { AuditEntry, ChangeResult, Explanation, RouteList } from '../../src/control/types';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-control-cli-'));
const ROUTES = path.join(dir, 'routes.json');
/**
 * The shipped table, with the shadow gate opened on v2.products so that these tests can walk the
 * modes without a shadow record; the gate itself is tested below with the shipped thresholds.
 */
const shipped = JSON.parse(readFileSync(path.join(ROOT, 'routes.json'), 'utf8')) as { routes: { id: string; shadow?: unknown }[] };
for (const r of shipped.routes) if (r.id === 'v2.products') r.shadow = { gate: { minCompared: 0, minMatchRate: 0, maxNewErrorRate: 1 } };
writeFileSync(ROUTES, JSON.stringify(shipped));
const GATED = path.join(dir, 'gated-routes.json');
writeFileSync(GATED, readFileSync(path.join(ROOT, 'routes.json')));

/** The environment without anything that would point the CLI somewhere else. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['STRANGLER_ADMIN_TOKEN', 'STRANGLER_ADMIN_URL', 'STRANGLER_ROUTES', 'STRANGLER_DATA_DIR', 'STRANGLER_STATE_URL']) delete env[key];
  return env;
}

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let n = 0;
/** A fresh state store and the CLI bound to it with --store and --routes. */
function freshStore() {
  const url = `sqlite:${path.join(dir, `state-${++n}.sqlite`)}`;
  const run = (...args: string[]) => cli(['routes', ...args, '--store', url, '--routes', ROUTES]);
  const json = <T>(...args: string[]): T => {
    const r = run(...args, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  return { url, run, json };
}

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string): void {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^strangler: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('routes list', () => {
  it('prints an aligned table with mode, source, upstreams and the version', () => {
    const { run } = freshStore();
    const r = run('list');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +PATH +METHODS +MODE +FROM +LEGACY +NEW$/);
    expect(lines).toContainEqual(expect.stringMatching(/^v2\.products +\/api\/v2\/products\/\* +GET +legacy +routes\.json +monolith +catalog$/));
    expect(lines).toContainEqual(expect.stringMatching(/^products +\/api\/products\/\* +GET +legacy +routes\.json +monolith +-$/));
    expect(lines.at(-1)).toMatch(/^state version 0/);
    // Aligned: every row starts its PATH column where the header does.
    const at = lines[0]!.indexOf('PATH');
    for (const line of lines.slice(1, 9)) expect(line[at - 1]).toBe(' ');
  });

  it('--json prints the RouteList itself', () => {
    const { json } = freshStore();
    const list = json<RouteList>('list');
    expect(list.version).toBe(0);
    expect(list.orphans).toEqual([]);
    expect(list.routes).toHaveLength(9);
    expect(list.routes[0]).toEqual({
      id: 'v2.products',
      path: '/api/v2/products/*',
      methods: ['GET'],
      state: { mode: 'legacy' },
      source: 'routes.json',
      legacy: 'monolith',
      new: 'catalog',
    });
  });
});

describe('routes flip', () => {
  it('legacy → shadow is one step: done, and list shows where the state comes from', () => {
    const { run, json } = freshStore();
    const r = run('flip', 'v2.products', '--to', 'shadow', '--reason', 'compare first');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('v2.products: legacy → shadow (version 1)\n');
    expect(r.status).toBe(0);
    expect(json<RouteList>('list').routes[0]).toMatchObject({ id: 'v2.products', state: { mode: 'shadow' }, source: { version: 1 } });
    expect(run('list').stdout).toMatch(/^v2\.products .* shadow +v1 +monolith +catalog$/m);
  });

  it('legacy → new is refused naming the allowed next steps, changes nothing, then passes with --force and is recorded as forced', () => {
    const { run, json } = freshStore();
    const refused = run('flip', 'v2.products', '--to', 'new', '--reason', 'skip ahead');
    expect(refused.status).toBe(1);
    expectOneLine(refused.stderr);
    expect(refused.stderr).toContain('allowed next: shadow');
    expect(refused.stdout).toBe('');
    expect(json<RouteList>('list').version).toBe(0);
    expect(json<AuditEntry[]>('history')).toEqual([]);

    const forced = run('flip', 'v2.products', '--to', 'new', '--reason', 'hotfix: legacy is down', '--force', '--actor', 'alice');
    expect(forced.stdout).toBe('v2.products: legacy → new (version 1, forced)\n');
    expect(forced.status).toBe(0);
    const [entry] = json<AuditEntry[]>('history', 'v2.products');
    expect(entry).toMatchObject({ version: 1, routeId: 'v2.products', action: 'flip', from: { mode: 'legacy' }, to: { mode: 'new' }, forced: true, actor: 'alice', via: 'cli --store', reason: 'hotfix: legacy is down' });
    expect(run('history', 'v2.products').stdout).toMatch(/^1 +\S+ +alice +v2\.products +legacy → new +flip #1 +forced +hotfix: legacy is down$/m);
  });

  it('--percent sets a canary share, and a canary may change it in place', () => {
    const { run, json } = freshStore();
    expect(run('flip', 'v2.products', '--to', 'shadow', '--reason', 'a').status).toBe(0);
    expect(run('flip', 'v2.products', '--to', 'canary', '--percent', '12.5', '--reason', 'b').stdout).toBe('v2.products: shadow → canary 12.5% (version 2)\n');
    const change = json<ChangeResult>('flip', 'v2.products', '--to', 'canary', '--percent', '50', '--reason', 'c');
    expect(change).toMatchObject({ version: 3, entry: { from: { mode: 'canary', percent: 12.5 }, to: { mode: 'canary', percent: 50 } } });
    expect(json<RouteList>('list').routes[0]?.state).toEqual({ mode: 'canary', percent: 50 });
    expect(run('list').stdout).toMatch(/^v2\.products .* canary 50% +v3 /m);
  });

  it.each([
    [['--to', 'sideways'], /^strangler: unknown mode "sideways": valid modes are legacy, shadow, canary, new, retired\n$/],
    [['--to', 'canary', '--percent', '150'], /^strangler: --percent 150 must be more than 0 and less than 100/],
    [['--to', 'canary', '--percent', 'lots'], /^strangler: --percent "lots" is not a number\n$/],
    [['--to', 'canary'], /^strangler: --to canary needs --percent N/],
    [['--to', 'shadow', '--percent', '10'], /^strangler: --percent only applies to --to canary, not shadow\n$/],
    [['--reason', 'x'], /^strangler: flip needs --to <mode>: one of legacy, shadow, canary, new, retired\n$/],
  ])('usage error %j: exit 2, one line, nothing changed', (flags, message) => {
    const { run, json } = freshStore();
    const r = run('flip', 'v2.products', ...flags, ...(flags.includes('--reason') ? [] : ['--reason', 'why']));
    expect(r.stderr).toMatch(message);
    expectOneLine(r.stderr);
    expect(r.status).toBe(2);
    expect(json<RouteList>('list').version).toBe(0);
  });

  it('a flip without --reason is a usage error', () => {
    const r = freshStore().run('flip', 'v2.products', '--to', 'shadow');
    expect(r.stderr).toBe('strangler: flip needs --reason "…": say why (it goes into the audit log)\n');
    expect(r.status).toBe(2);
  });

  it('a missing route id is a usage error (commander) with exit 2', () => {
    expect(freshStore().run('flip').status).toBe(2);
  });

  it('an unknown route: exit 1, one line naming it', () => {
    const r = freshStore().run('flip', 'nope', '--to', 'shadow', '--reason', 'x');
    expect(r.status).toBe(1);
    expectOneLine(r.stderr);
    expect(r.stderr).toContain('no route "nope"');
  });
});

describe('routes rollback', () => {
  it('returns a route that followed routes.json to exactly that', () => {
    const { run, json } = freshStore();
    const before = json<RouteList>('list');
    expect(run('flip', 'v2.products', '--to', 'shadow', '--reason', 'try').status).toBe(0);
    const r = run('rollback', 'v2.products');
    expect(r.stdout).toBe('v2.products: shadow → legacy (version 2, rollback of #1)\n');
    expect(r.status).toBe(0);
    const after = json<RouteList>('list');
    expect(after.routes).toEqual(before.routes);
    expect(after.version).toBe(2);
  });

  it('returns a flipped route to its previous state, and the history marks the rollback', () => {
    const { run, json } = freshStore();
    run('flip', 'v2.products', '--to', 'shadow', '--reason', 'a');
    run('flip', 'v2.products', '--to', 'canary', '--percent', '5', '--reason', 'b');
    const before = json<RouteList>('list');
    run('flip', 'v2.products', '--to', 'new', '--reason', 'c');
    const change = json<ChangeResult>('rollback', 'v2.products', '--reason', 'errors on new');
    expect(change.entry).toMatchObject({ action: 'rollback', undoes: 3, from: { mode: 'new' }, to: { mode: 'canary', percent: 5 }, reason: 'errors on new' });
    expect(json<RouteList>('list').routes.map((r) => r.state)).toEqual(before.routes.map((r) => r.state));
    expect(run('history', 'v2.products').stdout).toMatch(/^4 .* v2\.products +new → canary 5% +rollback of #3 +errors on new$/m);
  });

  it('nothing to roll back: exit 1, one line', () => {
    const r = freshStore().run('rollback', 'v2.products');
    expect(r.status).toBe(1);
    expectOneLine(r.stderr);
    expect(r.stderr).toContain('no change left to roll back');
  });
});

describe('routes history', () => {
  it('shows every route newest first, or one route, with --limit', () => {
    const { run, json } = freshStore();
    run('flip', 'v2.products', '--to', 'shadow', '--reason', 'first', '--actor', 'alice');
    run('flip', 'v2.orders', '--to', 'shadow', '--reason', 'second', '--actor', 'bob');
    const all = json<AuditEntry[]>('history');
    expect(all.map((e) => [e.version, e.routeId])).toEqual([
      [2, 'v2.orders'],
      [1, 'v2.products'],
    ]);
    expect(json<AuditEntry[]>('history', 'v2.products').map((e) => e.routeId)).toEqual(['v2.products']);
    expect(json<AuditEntry[]>('history', '--limit', '1')).toHaveLength(1);
    const text = run('history').stdout.trimEnd().split('\n');
    expect(text[0]).toMatch(/^VERSION +TIME +ACTOR +ROUTE +CHANGE +ACTION +FORCED +REASON$/);
    expect(text[1]).toMatch(/^2 +\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z +bob +v2\.orders +legacy → shadow +flip #2 +second$/);
    expect(text[2]).toMatch(/^1 +\S+ +alice +v2\.products +legacy → shadow +flip #1 +first$/);
  });

  it('an unknown route: exit 1; a bad --limit: exit 2', () => {
    const { run } = freshStore();
    expect(run('history', 'nope').status).toBe(1);
    expect(run('history', '--limit', '0').status).toBe(2);
  });
});

describe('routes explain', () => {
  it('names the matched route, why, who answers, and the traffic since (legacy 0 is the proof of retirement)', async () => {
    const { url, run, json } = freshStore();
    run('flip', 'v2.products', '--to', 'shadow', '--reason', 'a');
    run('flip', 'v2.products', '--to', 'canary', '--percent', '50', '--reason', 'b');
    run('flip', 'v2.products', '--to', 'new', '--reason', 'c');
    const store = openStateStore(url);
    try {
      await store.addTraffic('replica-1', [{ routeId: 'v2.products', upstream: 'catalog', minute: Math.floor(Date.now() / 60_000), requests: 7 }]);
    } finally {
      await store.close();
    }
    const x = json<Explanation>('explain', 'GET', '/api/v2/products/1', '--since', '1h');
    expect(x.route?.id).toBe('v2.products');
    expect(x.answer).toMatch(/^new \(catalog\) answers/);
    expect(x.traffic).toEqual([{ upstream: 'catalog', requests: 7, lastSeen: expect.stringMatching(/^\d{4}-.*Z$/) }]);

    const r = run('explain', 'get', '/api/v2/products/1');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('GET /api/v2/products/1 → v2.products (state version 3)');
    expect(r.stdout).toContain('"catch-all" (/*) also matches, but loses');
    expect(r.stdout).toMatch(/^answer: +new \(catalog\) answers/m);
    expect(r.stdout).toMatch(/^ +catalog +new +7 +\S+Z$/m);
    expect(r.stdout).toMatch(/^ +monolith +legacy +0 +-$/m);
    expect(r.stdout).toContain('legacy (monolith) received no requests for this route since');
  });

  it('a route in legacy: legacy answers', () => {
    const r = freshStore().run('explain', 'GET', '/api/v2/products/1', '--since', '2024-01-01T00:00:00Z');
    expect(r.stdout).toMatch(/^answer: +legacy \(monolith\) answers$/m);
    expect(r.stdout).toContain('traffic since 2024-01-01T00:00:00Z:');
  });

  it('a bad --since or method is a usage error', () => {
    const { run } = freshStore();
    const r = run('explain', 'GET', '/x', '--since', 'yesterday');
    expect(r.status).toBe(2);
    expectOneLine(r.stderr);
    expect(run('explain', 'G E T', '/x').status).toBe(2);
  });
});

describe('state store problems', () => {
  it('a mysql URL that cannot connect: one line naming the store, without the password', () => {
    const r = cli(['routes', 'list', '--store', 'mysql://strangler:s3cr3t-Pa55@127.0.0.1:1/strangler', '--routes', ROUTES]);
    expect(r.status).toBe(1);
    expectOneLine(r.stderr);
    expect(r.stderr).toContain('cannot reach the state store mysql://strangler:***@127.0.0.1:1/strangler');
    expect(r.stderr).not.toContain('s3cr3t');
  });

  it('an unsupported store URL is a usage error that does not repeat the URL', () => {
    const r = cli(['routes', 'list', '--store', 'postgres://u:hunter22@db/x', '--routes', ROUTES]);
    expect(r.status).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).not.toContain('hunter22');
  });

  it('a route table that does not load: exit 1 with its errors', () => {
    const r = cli(['routes', 'list', '--store', `sqlite:${path.join(dir, 'unused.sqlite')}`, '--routes', path.join(dir, 'missing.json')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('missing.json: route table refused');
  });

  it('--store and --admin together, or --routes without --store: usage errors', () => {
    expect(cli(['routes', 'list', '--store', 'sqlite::memory:', '--admin', 'http://127.0.0.1:1']).status).toBe(2);
    expect(cli(['routes', 'list', '--routes', ROUTES]).status).toBe(2);
  });
});

describe('the shadow gate', () => {
  it('refuses shadow → canary without a shadow record, naming the numbers, and takes --force with the reason into the audit', () => {
    const url = `sqlite:${path.join(dir, 'gated.sqlite')}`;
    const run = (...args: string[]) => cli(['routes', ...args, '--store', url, '--routes', GATED]);
    expect(run('flip', 'v2.products', '--to', 'shadow', '--reason', 'compare').status).toBe(0);
    const refused = run('flip', 'v2.products', '--to', 'canary', '--percent', '10', '--reason', 'go');
    expect(refused.status).toBe(1);
    expectOneLine(refused.stderr);
    expect(refused.stderr).toContain('compared 0 requests, the gate needs at least 100');
    const forced = run('flip', 'v2.products', '--to', 'canary', '--percent', '10', '--reason', 'shadow skipped for the demo', '--force');
    expect([forced.status, forced.stdout]).toEqual([0, 'v2.products: shadow → canary 10% (version 2, forced)\n']);
    const history = JSON.parse(run('history', 'v2.products', '--json').stdout) as AuditEntry[];
    expect(history[0]).toMatchObject({ forced: true, reason: 'shadow skipped for the demo', to: { mode: 'canary', percent: 10 } });
  });
});
