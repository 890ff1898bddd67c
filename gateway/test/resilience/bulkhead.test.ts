import { Bulkhead } from '../../src/resilience/bulkhead';

/** The refusal fast path: `full` is exactly the state in which cockatiel would refuse an execution. */
describe('Bulkhead.full', () => {
  it('is true only when every slot and every queue place is taken, and false again once one frees', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1, queue: 1 });
    expect(bulkhead.full).toBe(false);
    const first = bulkhead.tryAcquire();
    expect(first).not.toBeNull();
    expect(bulkhead.full).toBe(false); // a queue place is left
    const waiting = bulkhead.acquire(new AbortController().signal);
    await Promise.resolve();
    expect(bulkhead.full).toBe(true);
    await expect(bulkhead.acquire(new AbortController().signal)).rejects.toThrow('bulkhead full');
    first?.();
    const second = await waiting;
    expect(bulkhead.full).toBe(false);
    second();
  });
});
