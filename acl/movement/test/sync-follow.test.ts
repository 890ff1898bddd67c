import { sync } from '../index';
import { eventually } from '../../../platform/test-kit/eventually';
import { runCli, stopCli, type CliRun } from './cli';
import { FAST_RETRY, seededLegacy, startCatalog, type LegacyFixture, type RunningService } from './kit';

const stamp = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

/** A round's summary line: `sync catalog: ...; previous sync 3s ago; newest legacy change 20240101000000 (12s old)`. */
const ROUND = /^sync catalog: .*; (first sync|previous sync [\dsmhd ]+ ago); newest legacy change \d{14} \(([\dsmhd ]+) old\)$/;

function rounds(run: CliRun): string[] {
  return run.output().stdout.split('\n').filter((l) => ROUND.test(l));
}

/** `strangler sync catalog --follow` as a real child process: it keeps running, follows changes and deletes, and stops cleanly on a signal. */
describe('sync --follow (real CLI, catalog on port 0)', () => {
  let legacy: LegacyFixture;
  let catalog: RunningService;
  const started: CliRun[] = [];
  beforeAll(async () => {
    legacy = await seededLegacy(200);
    catalog = await startCatalog();
    // A first (full) round before the CLI, so the CLI's rounds are incremental: the seed's refused
    // product 13 is not read again and the exit status is 0, not 3.
    const first = await sync({ context: 'catalog', legacyUrl: legacy.url, serviceUrl: catalog.url, dataDir: legacy.dir, retry: FAST_RETRY });
    expect(first.rejected).toBeGreaterThan(0);
  });
  afterEach(async () => {
    for (const run of started.splice(0)) await stopCli(run);
  });
  afterAll(async () => {
    await catalog.stop();
    await legacy.cleanup();
  });

  const follow = (): CliRun => {
    const run = runCli(['sync', 'catalog', '--follow', '--interval', '1', '--catalog-url', catalog.url], { STRANGLER_DATA_DIR: legacy.dir, LEGACY_DATABASE_URL: legacy.url });
    started.push(run);
    return run;
  };
  const product = async (id: number): Promise<{ status: number; body: { name?: string } }> => {
    const res = await fetch(`${catalog.url}/products/${id}`);
    return { status: res.status, body: (await res.json()) as { name?: string } };
  };

  it('keeps running, brings over a changed and a deleted product within a few rounds, reports the lag each round, and exits 0 on SIGINT', async () => {
    const run = follow();
    await eventually(() => rounds(run).length >= 1);

    await legacy.db('PRD_MSTR').where('PRD_ID', 21).update({ PRD_NM: 'Followed Rename', PRD_UPD_TS: stamp(new Date()) });
    await eventually(async () => (await product(21)).body.name === 'Followed Rename');

    expect((await product(30)).status).toBe(200);
    await legacy.db('PRD_MSTR').where('PRD_ID', 30).del();
    await eventually(async () => (await product(30)).status === 404);

    // Still following: another round after the delete was seen.
    const seen = rounds(run).length;
    await eventually(() => rounds(run).length > seen);
    expect(run.child.exitCode).toBeNull();
    const lines = rounds(run);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => /1 updated/.test(l))).toBe(true);
    expect(lines.some((l) => /1 deleted/.test(l))).toBe(true);
    // The rename made the newest change "now": the lag reported after it is small.
    expect(lines[lines.length - 1]).toMatch(/\((\d+s|1m \d+s) old\)$/);

    run.child.kill('SIGINT');
    const ended = await run.done;
    expect(ended).toMatchObject({ code: 0, signal: null });
    // Summaries (with the lag) go to stdout; nothing at all on stderr: no error, no stack trace.
    expect(ended.stderr).toBe('');
    expect(ended.stdout.trim().split('\n').every((l) => ROUND.test(l))).toBe(true);
  }, 60_000);

  it('exits 0 on SIGTERM with no stack trace', async () => {
    const run = follow();
    await eventually(() => rounds(run).length >= 1);
    run.child.kill('SIGTERM');
    const ended = await run.done;
    expect(ended).toMatchObject({ code: 0, signal: null });
    expect(ended.stderr).toBe('');
    expect(ended.stdout).not.toMatch(/\n\s+at /);
  }, 30_000);
});
