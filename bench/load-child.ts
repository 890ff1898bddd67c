/**
 * One load run in a process of its own: `node --import tsx bench/load-child.ts '<LoadSpec JSON>'`
 * prints the LoadResult as one JSON line. For a second group of clients that must not share the
 * measuring load generator's event loop (the fault scenario's report clients): two autocannon
 * instances on one loop delay each other's reads, which the figures would blame on the gateway.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { runLoad, type LoadResult, type LoadSpec } from './load';

type PlainSpec = Omit<LoadSpec, 'onTick'>;

/** What crosses the process boundary, parsed rather than trusted: the spec in, the result out. */
const PlainSpecSchema = z.object({ url: z.string(), connections: z.number().int().positive(), durationSec: z.number().positive(), overallRate: z.number().positive().optional() });
const LoadResultSchema = z.object({ rps: z.number(), p50Ms: z.number(), p99Ms: z.number(), responses: z.number(), non2xx: z.number(), errors: z.number() });

/** Runs `spec` in a child process; rejects with the child's stderr if it fails. */
export function runLoadInChild(spec: PlainSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'load-child.ts'), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load process for ${spec.url} exited ${code}: ${err.trim().slice(0, 500)}`));
      try {
        resolve(LoadResultSchema.parse(JSON.parse(out.trim().split('\n').at(-1) ?? '')));
      } catch {
        reject(new Error(`load process for ${spec.url} printed no result: ${out.slice(0, 200)}`));
      }
    });
  });
}

if (require.main === module) {
  const spec: PlainSpec = PlainSpecSchema.parse(JSON.parse(process.argv[2] ?? ''));
  runLoad(spec).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
