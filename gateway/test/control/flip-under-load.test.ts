import http from 'node:http';
import { ControlService } from '../../src/control/control';
import { StateFollower } from '../../src/control/follower';
import { openStateStore, type StateStore } from '../../src/control/state-store';
import { silentLogger } from '../../src/observability/logger';
import { startGateway, tableFor, type RunningGateway } from '../kit/gateway';
import { startUpstream, type TestUpstream } from '../kit/upstream';

/** Flips applied by the follower while clients hammer the route: every request is answered by one side or the other, none fails. */
describe('flipping a route under load', () => {
  let legacy: TestUpstream;
  let fresh: TestUpstream;
  let gw: RunningGateway;
  let store: StateStore;
  let follower: StateFollower;
  let control: ControlService;

  beforeAll(async () => {
    const answer = (side: string) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ side }));
    };
    legacy = await startUpstream(answer('legacy'));
    fresh = await startUpstream(answer('new'));
    const table = tableFor({ monolith: legacy.url, svc: fresh.url }, [
      { id: 'items', path: '/items/*', mode: 'legacy', legacy: { upstream: 'monolith' }, new: { upstream: 'svc' } },
    ]);
    gw = await startGateway(table);
    store = openStateStore('sqlite::memory:');
    await store.migrate();
    follower = new StateFollower({ store, swap: (t) => gw.gateway.swap(t), logger: silentLogger(), pollMs: 20 }, table);
    await follower.start();
    control = new ControlService({ store, baseline: () => table });
  });
  afterAll(async () => {
    follower.stop();
    await gw.close();
    await store.close();
    await legacy.close();
    await fresh.close();
  });

  it('loses no request while the route moves legacy → shadow → canary → new → retired and back', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    const results = { ok: 0, failed: [] as string[], sides: new Set<string>() };
    // Each applied flip opens an epoch; a request belongs to the epoch it was sent in.
    let epoch = 0;
    const answered: number[] = [0];
    const sidesOf: Set<string>[] = [new Set()];
    let progress: (() => void) | undefined;
    let running = true;
    const client = async (n: number) => {
      for (let i = 0; running; i++) {
        const sentIn = epoch;
        await new Promise<void>((resolve) => {
          const req = http.get(`${gw.url}/items/${i}`, { agent, headers: { 'x-client': String(n) } }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => {
              if (res.statusCode === 200) {
                const { side } = JSON.parse(body) as { side: string };
                results.ok++;
                results.sides.add(side);
                sidesOf[sentIn]?.add(side);
                answered[sentIn] = (answered[sentIn] ?? 0) + 1;
                progress?.();
              } else results.failed.push(`${res.statusCode} ${body}`);
              resolve();
            });
          });
          req.on('error', (e) => {
            results.failed.push(e.message);
            resolve();
          });
        });
      }
    };
    /** Opens a new epoch and waits until clients have had that many answers to requests sent in it (progress, not time). */
    const underLoad = async (answers: number): Promise<Set<string>> => {
      const mine = ++epoch;
      answered[mine] = 0;
      sidesOf[mine] = new Set();
      await new Promise<void>((resolve) => {
        progress = () => {
          if ((answered[mine] ?? 0) >= answers) resolve();
        };
      });
      progress = undefined;
      return sidesOf[mine] as Set<string>;
    };
    const clients = Array.from({ length: 20 }, (_, n) => client(n));
    await underLoad(20);
    const steps: [Parameters<ControlService['flip']>[1]['to'], number?][] = [['shadow'], ['canary', 30], ['canary', 60], ['new'], ['retired'], ['new'], ['canary', 10], ['shadow'], ['legacy']];
    /** Who answers a request sent after the flip was applied, for the modes with one answering side. */
    const onlySide: Partial<Record<string, string>> = { legacy: 'legacy', shadow: 'legacy', new: 'new', retired: 'new' };
    for (const [to, percent] of steps) {
      await control.flip('items', { to, ...(percent ? { percent } : {}), reason: 'load test' }, 'test');
      await follower.poll();
      expect(gw.gateway.table().routes.find((r) => r.id === 'items')?.mode).toBe(to);
      const sides = await underLoad(25);
      const side = onlySide[to];
      if (side) expect([...sides]).toEqual([side]);
    }
    for (let i = 0; i < 4; i++) {
      await control.rollback('items', {}, 'test');
      await follower.poll();
      await underLoad(25);
    }
    running = false;
    await Promise.all(clients);
    agent.destroy();
    expect(results.failed).toEqual([]);
    expect([...results.sides].sort()).toEqual(['legacy', 'new']);
    expect(await store.latestVersion()).toBe(steps.length + 4);
  });
});
