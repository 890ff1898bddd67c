import { LoadShedder } from '../../src/resilience/shedder';
import { SheddingSchema } from '../../src/config/resilience-schema';

describe('the load shedder', () => {
  it('refuses beyond the in-flight limit or the event-loop delay, and admits again once they drop', () => {
    let delay = 0;
    const shedder = new LoadShedder(() => delay);
    const config = SheddingSchema.parse({ maxInFlight: 2, maxEventLoopDelayMs: 100 });
    const a = shedder.admit(config);
    const b = shedder.admit(config);
    expect(shedder.admit(config)).toEqual({ ok: false, reason: 'in-flight' });
    if (a.ok) a.done();
    if (a.ok) a.done(); // twice is harmless
    expect(shedder.active).toBe(1);
    delay = 150;
    expect(shedder.admit(config)).toEqual({ ok: false, reason: 'event-loop-delay' });
    delay = 20;
    expect(shedder.admit(config).ok).toBe(true);
    expect(b.ok).toBe(true);
  });
});
