import type { Registry } from 'prom-client';

/** A metric as prom-client's registry reads it at scrape time. */
interface ScrapedValue {
  readonly metricName?: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

interface Scraped {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram' | 'gauge';
  readonly values: ScrapedValue[];
  readonly aggregator: 'sum' | 'max';
}

/**
 * Counters and histograms for the request path, kept as plain numbers per label set and published
 * through prom-client's registry when /metrics is scraped. prom-client's own instruments hash the
 * label object on every increment, which showed in the gateway's profile; here a request adds to
 * numbers found by one map lookup, and the label objects are built at scrape time only.
 */
abstract class Tally<S> {
  protected readonly sets = new Map<string, { readonly labels: Readonly<Record<string, string>>; readonly state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    protected readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    // The registry only asks a metric for its name, its values and to reset.
    registry.registerMetric(this as never);
  }

  /** The state of one label set (values in `labelNames` order), made on first use. */
  protected state(key: string, values: readonly string[], make: () => S): S {
    let set = this.sets.get(key);
    if (!set) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i] as string));
      this.sets.set(key, (set = { labels, state: make() }));
    }
    return set.state;
  }

  abstract get(): Promise<Scraped>;

  reset(): void {
    this.sets.clear();
  }
}

/** A monotonic counter per label set. */
export class TallyCounter extends Tally<{ n: number }> {
  /** Adds one to the label set `values` (in `labelNames` order), found by `key`, a string that names it uniquely. */
  inc(key: string, values: readonly string[]): void {
    this.state(key, values, () => ({ n: 0 })).n += 1;
  }

  async get(): Promise<Scraped> {
    return { name: this.name, help: this.help, type: 'counter', aggregator: 'sum', values: [...this.sets.values()].map((s) => ({ labels: s.labels, value: s.state.n })) };
  }
}

/** A gauge per label set, set to the latest value. */
export class TallyGauge extends Tally<{ v: number }> {
  set(key: string, values: readonly string[], value: number): void {
    this.state(key, values, () => ({ v: 0 })).v = value;
  }

  async get(): Promise<Scraped> {
    return { name: this.name, help: this.help, type: 'gauge', aggregator: 'max', values: [...this.sets.values()].map((s) => ({ labels: s.labels, value: s.state.v })) };
  }
}

interface Buckets {
  readonly counts: number[];
  sum: number;
  count: number;
}

/** A histogram per label set: counts per bucket (not cumulative until scraped), the sum and the count. */
export class TallyHistogram extends Tally<Buckets> {
  constructor(name: string, help: string, labelNames: readonly string[], private readonly bounds: readonly number[], registry: Registry) {
    super(name, help, labelNames, registry);
  }

  observe(key: string, values: readonly string[], value: number): void {
    const b = this.state(key, values, () => ({ counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 }));
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i++;
    (b.counts[i] as number)++;
    b.sum += value;
    b.count += 1;
  }

  async get(): Promise<Scraped> {
    const values: ScrapedValue[] = [];
    for (const { labels, state } of this.sets.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += state.counts[i] as number;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: state.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: state.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: state.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }
}
