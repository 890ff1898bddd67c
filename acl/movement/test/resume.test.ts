import { readFileSync } from 'node:fs';
import path from 'node:path';
import { backfill, readCheckpoint, verify } from '../index';
import { createServiceClient } from '../service-client';
import { eventually } from '../../../platform/test-kit/eventually';
import { runCli } from './cli';
import { FAST_RETRY, seededLegacy, startCatalog, type LegacyFixture, type RunningService } from './kit';

async function fullContent(url: string): Promise<unknown[]> {
  const client = createServiceClient({ baseUrl: url, collection: '/products' });
  const all: unknown[] = [];
  for (let page = 1; ; page++) {
    const { items } = await client.page(page, 500);
    all.push(...items);
    if (items.length < 500) return all;
  }
}

describe('backfill is resumable', () => {
  let legacy: LegacyFixture;
  beforeAll(async () => {
    legacy = await seededLegacy(3000);
  });
  afterAll(async () => {
    await legacy.cleanup();
  });

  it('killed with SIGKILL half-way through (real CLI), the next run continues after the last acknowledged key and ends identical to an uninterrupted run', async () => {
    const interrupted = await startCatalog();
    const reference = await startCatalog();
    try {
      const env = { STRANGLER_DATA_DIR: legacy.dir, LEGACY_DATABASE_URL: legacy.url };
      const args = ['backfill', 'catalog', '--catalog-url', interrupted.url, '--batch-size', '20'];
      const first = runCli(args, env);
      await eventually(() => {
        try {
          const cp = readCheckpoint(legacy.dir, 'catalog');
          return cp !== undefined && cp.state === 'running' && cp.lastKey >= 200;
        } catch {
          return false; // mid-rename on some filesystems: poll again
        }
      });
      first.child.kill('SIGKILL');
      const killed = await first.done;
      expect(killed.signal).toBe('SIGKILL');
      const stopped = readCheckpoint(legacy.dir, 'catalog');
      expect(stopped?.state).toBe('running');
      expect(stopped?.lastKey).toBeLessThan(3000);

      const second = await runCli([...args, '--json'], env).done;
      expect(second.code).toBe(3); // the seed's dirty rows
      const summary = JSON.parse(second.stdout) as { resumed: boolean; counters: { read: number; rejected: number } };
      expect(summary.resumed).toBe(true);
      expect(summary.counters.read).toBe(3000);
      expect(second.stderr).toMatch(/backfill catalog: \d+\/3000 rows/);
      // Each rejected row is listed once, however the kill fell.
      const rejects = readFileSync(path.join(legacy.dir, 'backfill', 'catalog.rejects.jsonl'), 'utf8').trim().split('\n');
      expect(rejects).toHaveLength(summary.counters.rejected);
      expect(new Set(rejects.map((l) => (JSON.parse(l) as { key: number }).key)).size).toBe(rejects.length);

      expect((await verify({ context: 'catalog', legacyUrl: legacy.url, serviceUrl: interrupted.url })).clean).toBe(true);
      const refDir = path.join(legacy.dir, 'reference');
      await backfill({ context: 'catalog', legacyUrl: legacy.url, serviceUrl: reference.url, dataDir: refDir });
      expect(await fullContent(interrupted.url)).toEqual(await fullContent(reference.url));
    } finally {
      await interrupted.stop();
      await reference.stop();
    }
  }, 60_000);

  it('the service going down mid-run stops with one clear line, exit 1 and a valid checkpoint; a rerun completes', async () => {
    const svc = await startCatalog();
    const dataDir = path.join(legacy.dir, 'down');
    const opts = { context: 'catalog' as const, legacyUrl: legacy.url, serviceUrl: svc.url, dataDir, batchSize: 100, retry: FAST_RETRY };
    let failure: unknown;
    try {
      await backfill({ ...opts, afterBatch: async (cp) => (cp.lastKey >= 500 ? svc.stop() : undefined) });
    } catch (err) {
      failure = err;
    }
    expect(failure).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect((failure as Error).message).toMatch(/^POST .*\/products\/batch: service unreachable \(ECONNREFUSED\); gave up after 3 attempts$/);
    expect(readCheckpoint(dataDir, 'catalog')).toMatchObject({ state: 'running', lastKey: 500 });

    // The CLI says the same in one line and exits 1.
    const cli = await runCli(['backfill', 'catalog', '--catalog-url', svc.url], { STRANGLER_DATA_DIR: dataDir, LEGACY_DATABASE_URL: legacy.url }).done;
    expect(cli.code).toBe(1);
    // It finds the service down before reading anything, and says where the address came from.
    expect(cli.stderr.trim().split('\n').filter((l) => !l.startsWith('backfill catalog:'))).toEqual([expect.stringMatching(/^strangler: cannot reach the catalog service at .*ECONNREFUSED \(address from --catalog-url/)]);
    expect(readCheckpoint(dataDir, 'catalog')).toMatchObject({ state: 'running', lastKey: 500 });

    const revived = await startCatalog();
    try {
      // The revived service lost rows 1..500 with its memory database: the resume carries on after 500, a fresh pass then fills the gap.
      const resumed = await backfill({ ...opts, serviceUrl: revived.url });
      expect(resumed.resumed).toBe(true);
      expect(resumed.counters.read).toBe(3000);
      const checked = await verify({ ...opts, serviceUrl: revived.url });
      expect(checked.missing.count).toBeGreaterThan(0); // rows 1..500 went to the service that died with its memory database
      const full = await backfill({ ...opts, serviceUrl: revived.url });
      expect(full.resumed).toBe(false);
      expect((await verify({ ...opts, serviceUrl: revived.url })).clean).toBe(true);
    } finally {
      await revived.stop();
    }
  }, 60_000);

  it('a wrong database URL is one line and a non-zero exit, no stack trace', async () => {
    // A service that answers, so that the legacy database is what fails.
    const svc = await startCatalog();
    const missing = await runCli(['backfill', 'catalog', '--catalog-url', svc.url], { STRANGLER_DATA_DIR: legacy.dir, LEGACY_DATABASE_URL: 'sqlite:/nonexistent/dir/legacy.sqlite' }).done;
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^strangler: cannot read legacy database sqlite:\/nonexistent\/dir\/legacy.sqlite/)]);
    const scheme = await runCli(['verify', 'catalog', '--catalog-url', svc.url], { STRANGLER_DATA_DIR: legacy.dir, LEGACY_DATABASE_URL: 'postgres://u:secret@h/db' }).done;
    expect(scheme.code).toBe(1);
    expect(scheme.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^strangler: unsupported legacy database URL/)]);
    expect(scheme.stderr).not.toMatch(/secret/);
    const usage = await runCli(['backfill', 'customers'], { STRANGLER_DATA_DIR: legacy.dir }).done;
    expect(usage.code).toBe(2);
    await svc.stop();
  }, 30_000);
});
