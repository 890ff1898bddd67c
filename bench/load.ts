import autocannon from 'autocannon';
import { percentile } from './stats';

export interface LoadSpec {
  url: string;
  connections: number;
  durationSec: number;
  /** Requests per second across all connections; unset means as fast as the target answers. */
  overallRate?: number;
  /** Called about once a second with the seconds elapsed, for progress on stderr. */
  onTick?: (elapsedSec: number) => void;
}

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
}

/**
 * One autocannon run. Latency percentiles come from our own record of each 2xx response time:
 * autocannon's histogram stores whole milliseconds, too coarse for a sub-millisecond hop.
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  let responses = 0;
  let elapsed = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.durationSec,
        ...(spec.overallRate === undefined ? {} : { overallRate: spec.overallRate }),
      },
      (err: Error | null, result: autocannon.Result) => {
        if (err) return reject(err);
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          rps: responses / result.duration,
          p50Ms: percentile(sorted, 50),
          p99Ms: percentile(sorted, 99),
          responses,
          non2xx: result.non2xx,
          errors: result.errors,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      responses += 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
    instance.on('tick', () => spec.onTick?.(++elapsed));
  });
}
