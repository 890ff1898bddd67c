import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { RouteTableError, type TableIssue } from '../../src/config/errors';
import { loadRouteTableFile } from '../../src/config/load';
import type { RouteTable } from '../../src/config/table';
import { watchRouteTable, type RouteTableWatcher, type WatchRouteTableOptions } from '../../src/control/watch-routes';
import { captureLogs, type LogCapture } from '../kit/log-capture';
import { startGateway, type RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream } from '../kit/upstream';
import { eventually } from '../../../platform/test-kit/eventually';

/** routes.json edited while the gateway serves: good files apply, bad ones are refused, no request fails. */
describe('hot reload of routes.json', () => {
  let a: TestUpstream;
  let b: TestUpstream;
  let dir: string;
  let file: string;
  let gw: RunningGateway;
  let logs: LogCapture;
  let watcher: RouteTableWatcher | null;

  beforeAll(async () => {
    a = await startUpstream((_req, res) => res.end('a'));
    b = await startUpstream((_req, res) => res.end('b'));
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  /** One catch-all route answered by the named upstream. */
  const tableText = (upstream: 'a' | 'b', id = 'catch-all') =>
    JSON.stringify(
      { upstreams: { a: { url: a.url }, b: { url: b.url } }, routes: [{ id, path: '/*', mode: 'legacy', legacy: { upstream } }] },
      null,
      2,
    );
  const load = (f: string) => loadRouteTableFile(f);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-reload-'));
    file = path.join(dir, 'routes.json');
    fs.writeFileSync(file, tableText('a'));
    gw = await startGateway(load(file));
    logs = captureLogs();
    watcher = null;
  });
  afterEach(async () => {
    watcher?.close();
    await gw.close();
    logs.logger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const watch = (extra: Partial<WatchRouteTableOptions> = {}) => {
    watcher = watchRouteTable({ file, load, onTable: (t) => gw.gateway.swap(t), logger: logs.logger, debounceMs: 20, pollMs: 200, ...extra });
    return watcher;
  };
  const entries = (message: string) => logs.entries().filter((e) => e.message === message);
  const answer = async (agent?: http.Agent) => (await get(`${gw.url}/x`, agent)).body;
  /** Issues the loader itself reports for the file as it is now. */
  const issuesNow = (): readonly TableIssue[] => {
    try {
      load(file);
    } catch (e) {
      if (e instanceof RouteTableError) return e.issues;
      throw e;
    }
    throw new Error('expected the file to be refused');
  };

  it('applies an edited file and logs it', async () => {
    watch();
    expect(await answer()).toBe('a');
    fs.writeFileSync(file, tableText('b'));
    await eventually(async () => (await answer()) === 'b');
    await eventually(async () => entries('route table reloaded').length > 0);
    expect(entries('route table reloaded')[0]).toMatchObject({ level: 'info', file, routes: 1 });
    expect(entries('route table refused')).toHaveLength(0);
  });

  it('does not reload when only the timestamp changed', async () => {
    const tables: RouteTable[] = [];
    // A look at the file reads it whole (for its content hash): the event to wait for, since a
    // look that finds nothing new leaves no other trace.
    const reads = jest.spyOn(fs, 'readFileSync');
    try {
      watch({ onTable: (t) => void tables.push(t), pollMs: 30 });
      const looks = () => reads.mock.calls.filter(([f]) => f === file).length;
      const before = looks();
      const later = new Date(Date.now() + 5_000);
      fs.writeFileSync(file, tableText('a'));
      fs.utimesSync(file, later, later);
      await eventually(() => looks() > before);
    } finally {
      reads.mockRestore();
    }
    expect(tables).toHaveLength(0);
    expect(logs.entries()).toHaveLength(0);
  });

  it('refuses bad JSON and a schema error with every issue logged; the old table keeps answering', async () => {
    const before = gw.gateway.table();
    watch();
    fs.writeFileSync(file, '{ "upstreams": { "a": ');
    await eventually(async () => entries('route table refused').length === 1);
    const syntax = entries('route table refused')[0];
    expect(syntax).toMatchObject({ level: 'error', file, issues: issuesNow() });
    expect(String((syntax?.issues as TableIssue[])[0]?.message)).toMatch(/invalid JSON/);
    expect(await answer()).toBe('a');

    const bad = { upstreams: { a: { url: a.url } }, routes: [{ id: 'x', path: 'no-slash', mode: 'sideways', legacy: { upstream: 'nope' } }], extra: 1 };
    fs.writeFileSync(file, JSON.stringify(bad));
    await eventually(async () => entries('route table refused').length === 2);
    const expected = issuesNow();
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(entries('route table refused')[1]).toMatchObject({ file, issues: expected });
    expect(gw.gateway.table()).toBe(before);
    expect(await answer()).toBe('a');
    expect(entries('route table reloaded')).toHaveLength(0);
  });

  it('under load, broken and truncated files fail no request and the last good file wins', async () => {
    watch();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    const failures: string[] = [];
    let total = 0;
    let stop = false;
    const loop = async () => {
      while (!stop) {
        try {
          const res = await get(`${gw.url}/x`, agent);
          total++;
          if (res.status !== 200) failures.push(`${res.status} ${res.body}`);
        } catch (e) {
          failures.push(e instanceof Error ? e.message : String(e));
        }
      }
    };
    const loops = Array.from({ length: 20 }, loop);
    const refused = () => entries('route table refused').length;
    // Under load means with requests running: each step waits for more of them to have been answered.
    const moreAnswered = async (n = 50) => {
      const at = total;
      await eventually(() => total >= at + n);
    };
    try {
      await moreAnswered();
      let seen = refused();
      fs.writeFileSync(file, '{ "routes": [ { "id": ');
      await eventually(async () => refused() > seen);

      fs.writeFileSync(file, tableText('b'));
      await eventually(async () => (await answer()) === 'b');

      seen = refused();
      const good = tableText('a', 'final');
      fs.writeFileSync(file, good.slice(0, Math.floor(good.length / 2)));
      await eventually(async () => refused() > seen);
      expect(await answer()).toBe('b');

      fs.writeFileSync(file, good);
      await eventually(async () => (await answer()) === 'a');
      await moreAnswered();
    } finally {
      stop = true;
      await Promise.all(loops);
      agent.destroy();
    }
    expect(failures).toEqual([]);
    expect(total).toBeGreaterThan(100);
    expect(gw.gateway.table().routes.map((r) => r.id)).toEqual(['final']);
  });

  it('picks up a save by rename over the file', async () => {
    watch({ pollMs: 60_000 });
    const tmp = path.join(dir, '.routes.json.swp');
    fs.writeFileSync(tmp, tableText('b'));
    fs.renameSync(tmp, file);
    await eventually(async () => (await answer()) === 'b');
  });

  it('picks up a Kubernetes-style symlink swap', async () => {
    // routes.json -> ..data/routes.json, ..data -> a versioned folder swapped by rename.
    const mount = path.join(dir, 'mount');
    fs.mkdirSync(path.join(mount, 'v1'), { recursive: true });
    fs.writeFileSync(path.join(mount, 'v1', 'routes.json'), tableText('a'));
    fs.symlinkSync('v1', path.join(mount, '..data'));
    fs.symlinkSync(path.join('..data', 'routes.json'), path.join(mount, 'routes.json'));
    file = path.join(mount, 'routes.json');
    watch({ pollMs: 60_000 });

    fs.mkdirSync(path.join(mount, 'v2'));
    fs.writeFileSync(path.join(mount, 'v2', 'routes.json'), tableText('b'));
    fs.symlinkSync('v2', path.join(mount, '..data_tmp'));
    fs.renameSync(path.join(mount, '..data_tmp'), path.join(mount, '..data'));
    await eventually(async () => (await answer()) === 'b');
  });

  it('refuses a deleted file and applies it when it comes back', async () => {
    watch();
    fs.unlinkSync(file);
    await eventually(async () => entries('route table refused').length === 1);
    expect(entries('route table refused')[0]).toMatchObject({ issues: [{ message: expect.stringMatching(/no such file/) }] });
    expect(await answer()).toBe('a');
    fs.writeFileSync(file, tableText('b'));
    await eventually(async () => (await answer()) === 'b');
  });

  it('falls back to polling when fs.watch is unavailable', async () => {
    const spy = jest.spyOn(fs, 'watch').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    });
    try {
      watch({ pollMs: 50 });
      fs.writeFileSync(file, tableText('b'));
      await eventually(async () => (await answer()) === 'b');
      expect(entries('route table watch unavailable, polling only')).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('logs a throwing onTable and keeps watching', async () => {
    let calls = 0;
    watch({
      onTable: (t) => {
        calls++;
        if (calls === 1) throw new Error('overlay failed');
        gw.gateway.swap(t);
      },
    });
    fs.writeFileSync(file, tableText('b'));
    await eventually(async () => entries('route table reload failed').length === 1);
    expect(entries('route table reload failed')[0]).toMatchObject({ level: 'error', error: 'overlay failed' });
    expect(await answer()).toBe('a');
    fs.writeFileSync(file, tableText('b', 'again'));
    await eventually(async () => (await answer()) === 'b');
  });

  it('close() leaves no watch handle or timer behind and stops reloading', async () => {
    // On jest's fake timers, which count only the timers made here: the watcher's poll and its
    // pending look. The directory watch is the real one, seen through a spy.
    const opened: fs.FSWatcher[] = [];
    const realWatch = fs.watch.bind(fs) as (dir: string, options: fs.WatchOptions, listener: fs.WatchListener<string>) => fs.FSWatcher;
    const spy = jest.spyOn(fs, 'watch').mockImplementation(((dir: string, options: fs.WatchOptions, listener: fs.WatchListener<string>) => {
      const w = realWatch(dir, options, listener);
      opened.push(w);
      return w;
    }) as typeof fs.watch);
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const tables: RouteTable[] = [];
      const w = watch({ onTable: (t) => void tables.push(t), pollMs: 30, debounceMs: 1_000 });
      expect([opened.length, jest.getTimerCount()]).toEqual([1, 1]); // the watch, the poll

      fs.writeFileSync(file, tableText('b', 'changed'));
      jest.advanceTimersByTime(30); // the poll sees the new stat and schedules a look after the quiet time
      expect(jest.getTimerCount()).toBe(2);

      let watchClosed = false;
      opened[0]?.once('close', () => (watchClosed = true));
      w.close();
      expect(jest.getTimerCount()).toBe(0); // the poll and the pending look
      await eventually(() => watchClosed);

      jest.advanceTimersByTime(60_000);
      expect(tables).toHaveLength(0);
      expect(opened).toHaveLength(1); // not watched again
    } finally {
      jest.useRealTimers();
      spy.mockRestore();
    }
  });
});

function get(url: string, agent?: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, agent ? { agent } : {}, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

