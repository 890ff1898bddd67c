import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { formatExplanation, formatList } from '../../src/cli/control-format';
import { formatShadowReports } from '../../src/cli/shadow-format';
import type { Explanation, RouteList } from '../../src/control/types';
import type { RouteShadowReport } from '../../src/shadow/types';

/** What the CLI prints when an answer or a stored row cannot be read: the field, never a crash or `undefined`. */

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');

/** Spawns the CLI without blocking this process: the fake admin API runs in it. */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const key of ['STRANGLER_ADMIN_URL', 'STRANGLER_ROUTES', 'STRANGLER_DATA_DIR']) delete env[key];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...env, STRANGLER_ADMIN_TOKEN: 'cli-answers-token-0123456789' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill(), 20_000);
  return new Promise((resolve) =>
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}

const summary = { count: 0, meanMs: 0, p50Ms: 0, p99Ms: 0 };
const report: RouteShadowReport = {
  routeId: 'products',
  since: '2030-01-01T00:00:00.000Z',
  compared: 3,
  matches: 3,
  matchRate: 1,
  noiseSampled: 0,
  dropped: 0,
  bodyTooLarge: 0,
  truncated: 0,
  newErrors: 0,
  newTimeouts: 0,
  compareErrors: 0,
  legacyErrors: 0,
  legacyTimeouts: 0,
  newErrorRate: 0,
  latency: { legacy: summary, new: summary },
  fields: [],
  unreadable: [{ table: 'strangler_shadow_fields', row: 'route_id=products field_key=ab12', field: 'kind', message: 'Invalid option' }],
};

let server: http.Server;
let url: string;
/** What the fake admin API answers next, with 200. */
let answer: unknown;

beforeAll(async () => {
  server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('an admin API answer of the wrong shape', () => {
  it('routes list: one line naming the field, exit 1, nothing printed as if it were the list', async () => {
    answer = { version: 4, routes: [{ id: 'products', path: '/p', methods: null, state: { mode: 7 }, source: 'routes.json', legacy: 'l', new: null }], orphans: [] };
    const r = await cli(['routes', 'list', '--admin', url]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^strangler: the admin API at .* answered GET \/admin\/routes with something this CLI cannot read .*routes\[0\]\.state\.mode: /);
  }, 30_000);

  it('shadow report: the same, for a count sent as text', async () => {
    answer = [{ ...report, compared: 'many' }];
    const r = await cli(['shadow', 'report', '--admin', url]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^strangler: .*answered GET \/admin\/shadow\/report .*: \[0\]\.compared: Invalid input: expected number, received string\n$/);
  }, 30_000);
});

describe('stored state another gateway version wrote', () => {
  const unreadable = [{ version: 5, issues: [{ path: 'overlay.products.mode', message: 'Invalid option: expected one of "legacy"|"shadow"' }] }];

  it('routes list warns that it shows an older version, and why', () => {
    const list: RouteList = { version: 4, routes: [], orphans: [], unreadable };
    expect(formatList(list)).toMatch(
      /warning: newer route state cannot be read by this gateway \(written by another gateway version\?\); version 4 is shown and served:\n {2}version 5: overlay\.products\.mode: Invalid option/,
    );
    expect(formatList({ version: 4, routes: [], orphans: [] })).not.toContain('warning');
  });

  it('routes explain says the same, with or without a matching route', () => {
    const x: Explanation = { method: 'GET', path: '/x', version: 4, route: null, why: [], answer: 'nobody (404)', since: '2030-01-01T00:00:00.000Z', traffic: [], unreadable };
    expect(formatExplanation(x)).toMatch(/version 4 is shown and served:\n {2}version 5: overlay\.products\.mode/);
  });
});

it('shadow report names the stored rows it left out', () => {
  expect(formatShadowReports([report], new Date(0))).toMatch(
    /warning: 1 stored row could not be read and is left out of these numbers:\n {4}strangler_shadow_fields route_id=products field_key=ab12: kind: Invalid option\n$/,
  );
});
