import type { HealthCheckConfig } from '../../config/instances-schema';
import type { Random } from '../../resilience/clock';
import type { Instance } from './instance';

/**
 * Active health checks: each instance is probed with a GET of the check's path every interval,
 * jittered by up to a tenth so that a fleet of gateways does not probe in step. `unhealthyAfter`
 * failed probes in a row mark it unhealthy (no traffic unless every instance is down),
 * `healthyAfter` passed ones bring it back. Probes go through the instance's own pool and are never
 * counted as traffic.
 */
export class HealthProbes {
  private readonly watched = new Map<Instance, { timer: NodeJS.Timeout | null; passed: number; failed: number }>();
  private stopped = false;

  constructor(
    private readonly check: HealthCheckConfig,
    private readonly random: Random,
    private readonly onChange: (instance: Instance, healthy: boolean, why: string) => void,
  ) {}

  /** Starts probing the instances not yet watched, and stops probing those no longer listed. */
  follow(instances: readonly Instance[]): void {
    const listed = new Set(instances.filter((i) => !i.draining));
    for (const [instance, w] of this.watched) {
      if (listed.has(instance)) continue;
      if (w.timer) clearTimeout(w.timer);
      this.watched.delete(instance);
    }
    for (const instance of listed) {
      if (this.watched.has(instance)) continue;
      this.watched.set(instance, { timer: null, passed: 0, failed: 0 });
      // The first probe comes soon, at a random point of the first interval.
      this.schedule(instance, this.random() * Math.min(this.check.intervalMs, 1_000));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watched.values()) if (w.timer) clearTimeout(w.timer);
    this.watched.clear();
  }

  private schedule(instance: Instance, delayMs: number): void {
    const w = this.watched.get(instance);
    if (!w || this.stopped) return;
    w.timer = setTimeout(() => void this.probe(instance), delayMs);
    w.timer.unref();
  }

  private async probe(instance: Instance): Promise<void> {
    const result = await this.ask(instance);
    const w = this.watched.get(instance);
    if (!w) return;
    if (result.ok) {
      w.passed += 1;
      w.failed = 0;
      if (w.passed >= this.check.healthyAfter && instance.probed(true, '')) this.onChange(instance, true, 'its health probe passes');
    } else {
      w.failed += 1;
      w.passed = 0;
      if (w.failed >= this.check.unhealthyAfter && instance.probed(false, result.why)) this.onChange(instance, false, result.why);
    }
    this.schedule(instance, this.check.intervalMs * (0.9 + 0.2 * this.random()));
  }

  private async ask(instance: Instance): Promise<{ ok: true } | { ok: false; why: string }> {
    try {
      const answer = await instance.pool.request({ path: this.check.path, method: 'GET', headersTimeout: this.check.timeoutMs, bodyTimeout: this.check.timeoutMs, headers: { 'user-agent': 'strangler-health-check' } });
      await answer.body.dump();
      const status = answer.statusCode;
      const expected = this.check.expectStatus.length > 0 ? this.check.expectStatus.includes(status) : status >= 200 && status < 300;
      return expected ? { ok: true } : { ok: false, why: `its health probe answered ${status}` };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
      return { ok: false, why: `its health probe failed (${code})` };
    }
  }
}
