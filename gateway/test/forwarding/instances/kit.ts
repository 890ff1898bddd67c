import type { Dispatcher } from 'undici';
import { compileRouteTable } from '../../../src/config/load';
import type { CompiledUpstream } from '../../../src/config/table';
import { InstanceSet } from '../../../src/forwarding/instances/instance-set';

/** A stand-in pool: instances are chosen and judged here, nothing is sent. */
export const NO_POOL = { close: () => Promise.resolve() } as unknown as Dispatcher;

/** An upstream with `n` instances on ports 4001.. (weights as given), and its settings. */
export function upstreamOf(n: number, settings: Record<string, unknown> = {}, weights: number[] = []): CompiledUpstream {
  const instances = Array.from({ length: n }, (_, i) => ({ url: `http://127.0.0.1:${4001 + i}`, weight: weights[i] ?? 1 }));
  return compileRouteTable({ upstreams: { app: { instances, ...settings } }, routes: [{ id: 'all', path: '/*', mode: 'legacy', legacy: { upstream: 'app' } }] }, 'test').upstreams.get('app')!;
}

/** A set over `upstream` on a manual clock, with its log lines recorded. */
export function setOf(upstream: CompiledUpstream, random: () => number = Math.random) {
  let now = 1_000;
  const lines: string[] = [];
  const set = new InstanceSet(upstream, {
    clock: () => now,
    random,
    poolFor: () => NO_POOL,
    log: (message, fields) => lines.push(`${message} ${(fields as { instance?: string }).instance ?? ''}`.trim()),
    counted: () => undefined,
  });
  return { set, lines, advance: (ms: number) => (now += ms), now: () => now };
}
