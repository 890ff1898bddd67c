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
    let running = true;
    const client = async (n: number) => {
      for (let i = 0; running; i++) {
        await new Promise<void>((resolve) => {
          const req = http.get(`${gw.url}/items/${i}`, { agent, headers: { 'x-client': String(n) } }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => {
              if (res.statusCode === 200) {
                results.ok++;
                results.sides.add((JSON.parse(body) as { side: string }).side);
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
    const clients = Array.from({ length: 20 }, (_, n) => client(n));
    const steps: [Parameters<ControlService['flip']>[1]['to'], number?][] = [['shadow'], ['canary', 30], ['canary', 60], ['new'], ['retired'], ['new'], ['canary', 10], ['shadow'], ['legacy']];
    for (const [to, percent] of steps) {
      await control.flip('items', { to, ...(percent ? { percent } : {}), reason: 'load test' }, 'test');
      await follower.poll();
      expect(gw.gateway.table().routes.find((r) => r.id === 'items')?.mode).toBe(to);
      await new Promise((r) => setTimeout(r, 60));
    }
    for (let i = 0; i < 4; i++) {
      await control.rollback('items', {}, 'test');
      await new Promise((r) => setTimeout(r, 40));
    }
    running = false;
    await Promise.all(clients);
    agent.destroy();
    expect(results.failed).toEqual([]);
    expect(results.ok).toBeGreaterThan(200);
    expect([...results.sides].sort()).toEqual(['legacy', 'new']);
    expect(await store.latestVersion()).toBe(steps.length + 4);
  });
});
