import { ControlService } from '../../src/control/control';
import { openStateStore, type StateStore } from '../../src/control/state-store';
import { formatExplanation } from '../../src/cli/control-format';
import { tableFor } from '../kit/gateway';

/** `routes explain` through a live gateway shows the breakers of the route's upstreams; on the store alone it shows none. */
describe('explain with circuit breakers', () => {
  let store: StateStore;
  const table = tableFor({ monolith: 'http://127.0.0.1:1', svc: 'http://127.0.0.1:2', other: 'http://127.0.0.1:3' }, [
    { id: 'items', path: '/items/*', mode: 'legacy', legacy: { upstream: 'monolith' }, new: { upstream: 'svc' } },
  ]);
  beforeEach(async () => {
    store = openStateStore('sqlite::memory:');
    await store.migrate();
  });
  afterEach(() => store.close());

  it('lists the circuits of the route\'s own upstreams only, open ones with their wait', async () => {
    const circuits = () => [
      { upstream: 'monolith', state: 'closed' as const },
      { upstream: 'svc', state: 'open' as const, retryAfterMs: 4_200 },
      { upstream: 'other', state: 'open' as const, retryAfterMs: 1_000 },
    ];
    const x = await new ControlService({ store, baseline: () => table, circuits }).explain('GET', '/items/1', new Date(0));
    expect(x.circuits).toEqual([
      { upstream: 'monolith', state: 'closed' },
      { upstream: 'svc', state: 'open', retryAfterMs: 4_200 },
    ]);
    expect(formatExplanation(x)).toContain('circuits: monolith closed, svc open (probes in 5 s)');
  });

  it('says nothing about circuits when there is no live gateway', async () => {
    const x = await new ControlService({ store, baseline: () => table }).explain('GET', '/items/1', new Date(0));
    expect(x.circuits).toBeUndefined();
    expect(formatExplanation(x)).not.toContain('circuits:');
  });
});
