import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RolloutStatusSchema, type RolloutStatus } from '../../gateway/src/control/rollout/types';
import { eventually } from '../../platform/test-kit/eventually';
import { get, getText, servedMode, shell, type Runner, type ShellResult } from './doc-kit';
import type { RunningStack } from './stack';

/**
 * The tutorial's rollout chapter: two rollouts of v2.products, with steps 50,100 every 3 s. The
 * first completes on clean data; in the second the catalog is frozen once the canary has begun,
 * and the rollout rolls itself back to shadow. Each runner runs the reader's command as written,
 * then checks what the chapter says it did, through the admin API and the gateway's metrics.
 */

export interface TutorialContext {
  readonly stack: () => RunningStack;
  readonly dataDir: string;
  /** A strangler command as the reader runs it, against the test's stack. */
  readonly cli: (command: string) => ShellResult;
  /** The mode v2.products is in now, for the runners that follow. */
  readonly setMode: (mode: string) => void;
}

/** What each burst sends: 40 users, products 1 to 12. */
const BURST = 480;
const ROUTE = 'v2.products';

export function rolloutRunners(t: TutorialContext): { runners: Runner[]; release: () => void } {
  /** Rollouts started so far: the first one completes, the second rolls back. */
  let started = 0;
  /** Catalog processes the chapter froze and has not let run again (released when the test ends, whatever happened). */
  let frozen: number[] = [];

  const status = async (): Promise<RolloutStatus> => {
    const token = readFileSync(path.join(t.dataDir, 'admin-token'), 'utf8').trim();
    const res = await get(`${t.stack().adminUrl}/admin/routes/${ROUTE}/rollout`, { Authorization: `Bearer ${token}` });
    return RolloutStatusSchema.parse(JSON.parse(res.text));
  };
  const answered = async (): Promise<number> => {
    const metrics = await getText(`${t.stack().gatewayUrl}/metrics`);
    const counts = metrics.split('\n').filter((l) => l.startsWith(`strangler_requests_total{route="${ROUTE}",`));
    return counts.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  };
  const catalogPids = (): number[] => ['catalog-1', 'catalog-2'].map((n) => Number(readFileSync(path.join(t.dataDir, 'pids', `${n}.pid`), 'utf8').trim()));
  /** A process's state letter from /proc: T while stopped. */
  const procState = (pid: number): string => /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? '?';
  const catalogAnswers = async (): Promise<boolean> => {
    try {
      return (await fetch(`${t.stack().catalogUrl}/health`)).ok;
    } catch {
      return false;
    }
  };
  const ok = (cmd: string, r: ShellResult): void => expect([cmd, r.status, r.stderr]).toEqual([cmd, 0, '']);

  const runners: Runner[] = [
    {
      pattern: /^npx strangler routes rollout start v2\.products --steps 50,100 --interval 3s --reason "[^"]+"$/,
      run: async (cmd) => {
        const r = t.cli(cmd.command);
        ok(cmd.command, r);
        started += 1;
        // What the chapter says it prints: running, already in shadow, and the plan.
        expect(r.stdout).toMatch(new RegExp(`^${ROUTE.replace('.', '\\.')}: rollout #${started} running\n {2}mode: {5}shadow \\(percent 0\\)\n {2}step: {5}0 of 2 \\(shadow\\), since `));
        expect(r.stdout).toContain('  plan:     steps 50, 100 every 3s, 100 requests a step; pauses after 20 analyses without a decision\n');
        await servedMode(t.stack().gatewayUrl, ROUTE, 'shadow');
        t.setMode('shadow');
      },
    },
    {
      pattern: /^for u in \$\(seq 1 40\); do curl -s -H "x-user-id: user-\$u" "http:\/\/127\.0\.0\.1:8080\/api\/v2\/products\/\[1-12\]" > \/dev\/null; done$/,
      run: async (cmd) => {
        const before = await answered();
        const r = shell(cmd.command.replace('http://127.0.0.1:8080', t.stack().gatewayUrl));
        ok(cmd.command, r);
        // The answers went to /dev/null: the gateway's count says every read was answered (in the frozen canary, some with a 504).
        await eventually(async () => (await answered()) - before === BURST);
      },
    },
    {
      pattern: /^until npx strangler routes rollout status v2\.products \| grep -q 'mode: \*canary'; do sleep 1; done$/,
      run: async (cmd) => {
        ok(cmd.command, t.cli(cmd.command));
        const { rollout } = await status();
        expect(rollout).toMatchObject({ id: started, step: { index: 1, route: { mode: 'canary', percent: 50 } } });
        // The shadow step passed on its match rate's bound, after at least the ~380 comparisons the chapter says it needs.
        const step = rollout.events.find((e) => e.kind === 'step');
        expect(step?.detail).toMatch(/^step 1 of 2 \(canary 50%\): pass: match-rate pass \((\d+)\/\1 matching \(100\.0%\), lower bound 99\.\d+% ≥ 99\.0+%\)/);
        expect(Number(/\((\d+)\//.exec(step?.detail ?? '')?.[1])).toBeGreaterThanOrEqual(381);
        await servedMode(t.stack().gatewayUrl, ROUTE, 'canary');
        t.setMode('canary 50%');
      },
    },
    {
      pattern: /^while npx strangler routes rollout status v2\.products \| grep -qE '\^v2\.products: rollout #\[0-9\]\+ \(running\|waiting-for-data\)\$'; do sleep 1; done$/,
      run: async (cmd) => {
        ok(cmd.command, t.cli(cmd.command));
        expect((await status()).rollout).toMatchObject({ id: started, state: started === 1 ? 'done' : 'rolled-back' });
      },
    },
    {
      pattern: /^npx strangler routes rollout status v2\.products$/,
      run: async (cmd) => {
        const r = t.cli(cmd.command);
        ok(cmd.command, r);
        const checks = (verdicts: Record<string, string>) => {
          for (const [check, verdict] of Object.entries(verdicts)) expect(r.stdout).toMatch(new RegExp(`^ {4}${check} +.+ ${verdict} +\\S`, 'm'));
        };
        if (started === 1) {
          // Done on clean data: in new, the canary's analysis passed on every check, the data check on step 5's verify.
          expect(r.stdout).toMatch(/^v2\.products: rollout #1 done\n {2}mode: {5}new \(percent 100\)\n {2}step: {5}2 of 2 \(new\), since /);
          expect(r.stdout).toMatch(/^ {2}last analysis: pass at \S+, step 1 \(canary\)$/m);
          checks({ 'error-rate': 'pass', 'p99-latency': 'pass', 'data-freshness': 'pass' });
          expect(r.stdout).toMatch(/data-freshness .* verify of catalog at \S+ \([\d.]+ h ago, limit 24 h\) was clean/);
          await servedMode(t.stack().gatewayUrl, ROUTE, 'new');
          t.setMode('new');
        } else {
          // Rolled back to shadow on the new side's failures, early: before its 100 requests.
          expect(r.stdout).toMatch(/^v2\.products: rollout #2 rolled-back\n {2}mode: {5}shadow \(percent 0\)\n/);
          expect(r.stdout).toMatch(/^ {2}note: {5}rolled back at step 1 of 2 \(canary 50%\): fail: error-rate fail \(\d+\/\d+ failed: even if the next \d+ succeeded, /m);
          expect(r.stdout).toMatch(/^ {2}last analysis: fail at \S+, step 1 \(canary\)$/m);
          checks({ 'error-rate': 'fail' });
          await servedMode(t.stack().gatewayUrl, ROUTE, 'shadow');
          t.setMode('shadow');
        }
      },
    },
    {
      pattern: /^kill -(STOP|CONT) \$\(cat data\/pids\/catalog-1\.pid\) \$\(cat data\/pids\/catalog-2\.pid\)$/,
      run: async (cmd) => {
        const stop = cmd.command.startsWith('kill -STOP');
        if (stop) expect((await status()).rollout).toMatchObject({ id: 2, state: expect.stringMatching(/^(running|waiting-for-data)$/), step: { route: { mode: 'canary' } } });
        ok(cmd.command, shell(cmd.command.replaceAll('data/', `${t.dataDir}/`)));
        const pids = catalogPids();
        // The kernel stops (and resumes) a process when it next schedules it, not as kill returns:
        // on a loaded machine the state still reads R for a moment.
        if (stop) {
          frozen = pids;
          await eventually(() => pids.every((pid) => procState(pid) === 'T'));
          return;
        }
        frozen = [];
        await eventually(() => pids.every((pid) => procState(pid) !== 'T'));
        await eventually(catalogAnswers);
      },
    },
    {
      pattern: /^npx strangler routes history v2\.products --limit 7$/,
      run: (cmd) => {
        const r = t.cli(cmd.command);
        ok(cmd.command, r);
        const rows = r.stdout.trim().split('\n').slice(1);
        // Newest first: both rollouts' steps by the actor rollout, with the numbers in the reasons, between the reader's two flips.
        const expected: [number, string, string, RegExp][] = [
          [11, 'rollout', 'canary 50% → shadow', /rollout #2 rolled back at step 1 of 2 \(canary 50%\): fail: error-rate fail \(\d+\/\d+ failed.*; p99-latency .*; data-freshness pass/],
          [10, 'rollout', 'shadow → canary 50%', /rollout #2 step 0 of 2 \(shadow\) passed, on to step 1 of 2 \(canary 50%\): pass: match-rate pass \(\d+\/\d+ matching \(100\.0%\), lower bound /],
          [9, 'admin-token', 'new → shadow', /once more, and this time the catalog fails/],
          [8, 'rollout', 'canary 50% → new', /rollout #1 step 1 of 2 \(canary 50%\) passed, on to step 2 of 2 \(new\): pass: error-rate pass .*; p99-latency pass .*; data-freshness pass/],
          [7, 'rollout', 'shadow → canary 50%', /rollout #1 step 0 of 2 \(shadow\) passed, on to step 1 of 2 \(canary 50%\): pass: match-rate pass/],
          [6, 'rollout', 'legacy → shadow', /rollout #1 started by admin-token: legacy → shadow, the comparison runs first \(hands off: shadow, canary 50%, new\)/],
          [5, 'admin-token', 'canary 10% → legacy', /start over: the gateway moves it this time/],
        ];
        expect(rows).toHaveLength(expected.length);
        expected.forEach(([version, actor, change, reason], i) => {
          const row = rows[i] as string;
          expect(row).toMatch(new RegExp(`^${version} +\\S+ +${actor} +v2\\.products +${change.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +flip #${version} `));
          expect(row).toMatch(reason);
        });
      },
    },
  ];
  const release = (): void => {
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
    frozen = [];
  };
  return { runners, release };
}
