import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandsOf, type DocCommand } from './commands';
import { expectOutput, get, getText, pollShadowReport, ROOT, runnerFor, servedMode, shell, validateRoutes, type Runner } from './doc-kit';
import { stackForTests } from './stack';
import { rolloutRunners } from './tutorial-rollout';
import { eventually } from '../../platform/test-kit/eventually';

/**
 * Runs every command of docs/tutorial.md, in order, against a stack started with `npm start` on a
 * private data directory, as a newcomer would on a fresh clone, and compares each output block
 * with what really comes out. A command this test does not know fails the test, so the tutorial
 * cannot grow an unchecked command. Where the tutorial says in prose what an output shows, the
 * runner checks that too.
 */

const TUTORIAL = path.join(ROOT, 'docs/tutorial.md');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strangler-tutorial-'));
const commands = commandsOf(TUTORIAL);
/** The burst the shadow step sends, and so the count its report must reach. */
const SHADOW_READS = 120;

const stack = stackForTests(ROOT, dataDir);
/** The mode the last successful flip or rollback put v2.products in. */
let mode = 'legacy';

const cli = (command: string) =>
  shell(command, { STRANGLER_ADMIN_URL: stack().adminUrl, CATALOG_URL: stack().catalogUrl, INVENTORY_URL: stack().inventoryUrl, STRANGLER_DATA_DIR: dataDir });
const withUrls = (command: string) => command.replaceAll('http://127.0.0.1:8080', stack().gatewayUrl).replaceAll('http://127.0.0.1:4001', stack().catalogUrl);
/** Step 11, the rollouts: the catalog it freezes is let run again when the test ends, whatever happened. */
const rollouts = rolloutRunners({ stack, dataDir, cli, setMode: (m) => (mode = m) });
afterAll(() => rollouts.release());
/** The inventory service step 12 starts again by hand; stopped when the test ends. */
let restartedInventory: ChildProcess | undefined;
afterAll(async () => {
  if (restartedInventory === undefined || restartedInventory.exitCode !== null) return;
  const gone = new Promise((resolve) => restartedInventory?.once('exit', resolve));
  process.kill(-restartedInventory.pid!, 'SIGTERM');
  await gone;
});
const inventoryAnswers = async (): Promise<boolean> => {
  try {
    return (await fetch(`${stack().inventoryUrl}/health`)).ok;
  } catch {
    return false;
  }
};
const reasonOf = (cmd: DocCommand) => /--reason "([^"]+)"/.exec(cmd.command)?.[1];
/** A flip the tutorial shows being refused: its output block is the refusal. */
const refused = (cmd: DocCommand) => cmd.expected?.text.startsWith('strangler: ') ?? false;

/** The gateway's log line for the last request to a path, once it is logged in the mode served now. */
async function lastRequestLog(pathname: string): Promise<{ upstream?: string; mode?: string }> {
  let entry: { upstream?: string; mode?: string; path?: string } = {};
  await eventually(() => {
    // `npm start` puts each component's name before its lines: `gateway         | {…}`.
    const lines = stack()
      .stdout.filter((l) => /^gateway +\| \{"service":"gateway"/.test(l) && l.includes(`"path":"${pathname}"`))
      .map((l) => l.slice(l.indexOf('{')));
    entry = lines.length > 0 ? (JSON.parse(lines.at(-1) as string) as typeof entry) : {};
    return entry.mode === mode.split(' ')[0];
  });
  return entry;
}

/** Step 12, checkout: the commands on v2.inventory, v2.orders and inventory (v2.products keeps its own runners). */
const checkoutRunners: Runner[] = [
  {
    pattern: /^npx strangler (backfill|verify) inventory$/,
    run: (cmd) => {
      const r = cli(cmd.command);
      expect([cmd.command, r.status]).toEqual([cmd.command, 0]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      if (cmd.command.includes('backfill')) expect(r.stdout).toContain('500 rows read, 500 inserted, 0 updated, 0 unchanged');
      expectOutput(cmd, r.stdout);
    },
  },
  {
    pattern: /^npx strangler routes flip (v2\.inventory|v2\.orders|inventory) --to new --force --reason "[^"]+"$/,
    run: async (cmd) => {
      const r = cli(cmd.command);
      expect([cmd.command, r.status, r.stderr]).toEqual([cmd.command, 0, '']);
      expectOutput(cmd, r.stdout);
      await servedMode(stack().gatewayUrl, cmd.command.split(' ')[4] as string, 'new');
    },
  },
  {
    pattern: /^curl -s (-o \/dev\/null -w '%\{http_code\}\\n' )?(-X POST )?http:\/\/127\.0\.0\.1:8080\/api\/(v2\/)?(orders|inventory)\S* .*$/,
    run: (cmd) => {
      const r = shell(withUrls(cmd.command));
      expect([r.status, r.stderr]).toEqual([0, '']);
      expectOutput(cmd, r.stdout);
    },
  },
  {
    pattern: /^kill \$\(cat data\/pids\/inventory\.pid\)$/,
    run: async (cmd) => {
      const r = shell(cmd.command.replace('data/', `${dataDir}/`));
      expect([r.status, r.stderr]).toEqual([0, '']);
      await eventually(async () => !(await inventoryAnswers()));
      // The rest of the stack keeps running, and says how to start the service again.
      await eventually(() => stack().stderr.join('').includes('the inventory service was stopped; the rest of the stack keeps running'));
      expect((await get(`${stack().gatewayUrl}/healthz`)).status).toBe(200);
    },
  },
  {
    pattern: /^node --import tsx new-services\/inventory\/src\/main\.ts serve &$/,
    run: async (cmd) => {
      // The port the stack gave inventory (the reader's is 4003, the default), so orders finds it again.
      const port = new URL(stack().inventoryUrl).port;
      restartedInventory = spawn('sh', ['-c', cmd.command.replace(/ &$/, '')], {
        cwd: ROOT,
        detached: true,
        env: { ...process.env, INVENTORY_PORT: port, STRANGLER_DATA_DIR: dataDir },
        stdio: 'ignore',
      });
      await eventually(inventoryAnswers, { timeoutMs: 30_000 });
    },
  },
];

const runners: Runner[] = [
  ...rollouts.runners,
  ...checkoutRunners,
  {
    pattern: /^npm start$/,
    run: () => {
      // Started in beforeAll, exactly so; these are the lines step 1 tells the reader to wait for.
      expect(stack().stdout).toContain(`  gateway           ${stack().gatewayUrl}`);
      expect(stack().stdout).toContain('Press Ctrl-C to stop.');
    },
  },
  {
    pattern: /^curl -s http:\/\/127\.0\.0\.1:(8080|4001)\/\S+( \| grep '[^']+')?$/,
    run: async (cmd) => {
      const r = shell(withUrls(cmd.command));
      expect([r.status, r.stderr]).toEqual([0, '']);
      expectOutput(cmd, r.stdout);
      // Steps 7 and 8 say which side answered this request: monolith in the canary (127.0.0.1 is outside the 10%), catalog in new.
      if (cmd.command.endsWith(':8080/api/v2/products/2')) {
        const side = mode === 'new' ? 'catalog' : 'monolith';
        expect(await lastRequestLog('/api/v2/products/2')).toMatchObject({ upstream: side, mode: mode.split(' ')[0] });
      }
    },
  },
  {
    pattern: /^for i in \$\(seq 1 120\); do curl -s -o \/dev\/null http:\/\/127\.0\.0\.1:8080\/api\/v2\/products\/\$\(\(i % 12 \+ 1\)\); done$/,
    run: async (cmd) => {
      const r = shell(withUrls(cmd.command));
      expect(r.status).toBe(0);
      // curl -s -o /dev/null hides every answer: the gateway's count says each read was answered.
      const metrics = await getText(`${stack().gatewayUrl}/metrics`);
      expect(metrics).toContain(`strangler_requests_total{route="v2.products",upstream="monolith",mode="shadow",status="200"} ${SHADOW_READS}`);
    },
  },
  {
    pattern: /^cat data\/backfill\/catalog\.rejects\.jsonl$/,
    run: (cmd) => {
      const r = shell(cmd.command.replace('data/', `${dataDir}/`));
      expect(r.status).toBe(0);
      expectOutput(cmd, r.stdout);
    },
  },
  validateRoutes,
  {
    pattern: /^npx strangler (backfill|verify|sync) catalog$/,
    run: (cmd) => {
      const r = cli(cmd.command);
      const verb = cmd.command.split(' ')[2];
      expect(r.stderr).not.toMatch(/\n\s+at /);
      // backfill and sync exit 3 for product 13, as step 5 says; verify is clean.
      expect([verb, r.status]).toEqual([verb, verb === 'verify' ? 0 : 3]);
      if (verb === 'backfill') expect(r.stdout).toContain('500 rows read, 499 inserted, 0 updated, 0 unchanged, 1 rejected');
      if (verb === 'sync') expect(r.stdout).toContain('full scan: 500 rows read, 0 inserted, 0 updated, 499 unchanged, 0 deleted, 1 rejected');
      expectOutput(cmd, r.stdout);
    },
  },
  {
    pattern: /^npx strangler routes (list|flip|rollback)( |$)/,
    run: async (cmd) => {
      const r = cli(cmd.command);
      if (refused(cmd)) {
        // The gate's refusal is on stderr; the route stays where it was.
        expect([r.status, r.stdout]).toEqual([1, '']);
        expectOutput(cmd, r.stderr);
        await servedMode(stack().gatewayUrl, 'v2.products', mode.split(' ')[0] as string);
        return;
      }
      expect([cmd.command, r.status, r.stderr]).toEqual([cmd.command, 0, '']);
      expectOutput(cmd, r.stdout);
      const moved = /→ (\w+(?: \d+%)?) \(version/.exec(r.stdout)?.[1];
      if (cmd.command.split(' ')[3] !== 'list') {
        expect(moved).toBeDefined();
        mode = moved as string;
        // Served by the gateway within seconds, without a restart.
        await servedMode(stack().gatewayUrl, 'v2.products', mode.split(' ')[0] as string);
      }
    },
  },
  {
    pattern: /^npx strangler routes history v2\.products$/,
    run: (cmd) => {
      const r = cli(cmd.command);
      expect([r.status, r.stderr]).toEqual([0, '']);
      // Step 10: four entries, newest first: the rollback, then every accepted flip before it with the reason given.
      const rows = r.stdout.trim().split('\n').slice(1);
      expect(rows.map((row) => row.split(/ +/)[0])).toEqual(['4', '3', '2', '1']);
      expect(rows[0]).toContain('rollback of change #3 (canary 10% → new)');
      const flips = commands.slice(0, commands.indexOf(cmd)).filter((c) => c.command.startsWith('npx strangler routes flip v2.products ') && !refused(c));
      flips.reverse().forEach((flip, i) => expect(rows[i + 1]).toContain(reasonOf(flip)));
      for (const row of rows) expect(row).toContain('admin-token');
    },
  },
  {
    pattern: /^npx strangler shadow report v2\.products$/,
    run: async (cmd) => {
      const out = await pollShadowReport(cmd.command, { STRANGLER_ADMIN_URL: stack().adminUrl, STRANGLER_DATA_DIR: dataDir }, SHADOW_READS);
      // What step 6 tells the reader to look for.
      expect(out).toContain(`compared:        ${SHADOW_READS} (${SHADOW_READS} also sent to legacy twice to learn the noise)`);
      expect(out).toContain(`match rate:      100.0% (${SHADOW_READS} of ${SHADOW_READS} without a real difference)`);
      expect(out).toContain('new error rate:  0.0%');
      expect(out).toContain('no field differed');
    },
  },
];

describe('docs/tutorial.md commands', () => {
  it('walks v2.products legacy → shadow → canary → new, then rolls it back; then rollouts from legacy and from shadow', () => {
    const moves = commands
      .filter((c) => /^npx strangler routes (flip|rollback|rollout start) v2\.products( |$)/.test(c.command) && !refused(c))
      .map((c) => (c.command.includes(' rollout start ') ? 'rollout' : (/--to (\w+)/.exec(c.command)?.[1] ?? 'rollback')));
    expect(moves).toEqual(['shadow', 'canary', 'new', 'rollback', 'legacy', 'rollout', 'shadow', 'rollout']);
  });

  it('freezes the catalog only once the second rollout is in its canary, and lets it run again before checkout', () => {
    const at = (pattern: RegExp, from = 0) => commands.findIndex((c, i) => i >= from && pattern.test(c.command));
    const second = at(/^npx strangler routes rollout start /, at(/^npx strangler routes rollout start /) + 1);
    const stop = at(/^kill -STOP /);
    expect(commands.slice(second, stop).map((c) => c.command.split(' ')[0])).toEqual(['npx', 'for', 'until']);
    expect(at(/^kill -CONT /)).toBeGreaterThan(stop);
    expect(at(/^kill -CONT /)).toBeLessThan(at(/^npx strangler (backfill|verify) inventory$/));
  });

  it('extracts checkout: stock first, then checkout and the stock handover together', () => {
    const flips = commands.filter((c) => /^npx strangler routes flip /.test(c.command) && !c.command.includes(' v2.products ')).map((c) => c.command.split(' ')[4]);
    expect(flips).toEqual(['v2.inventory', 'v2.orders', 'inventory']);
  });

  it.each(commands.map((c, i) => [i + 1, c.command, c] as const))('%i: %s', async (_i, _command, cmd) => {
    await runnerFor(runners, cmd, 'Tutorial', 'docs/test/tutorial.test.ts').run(cmd);
  }, 150_000);
});
