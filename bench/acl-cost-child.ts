/**
 * The ACL's in-process costs (acl-cost.ts) measured in a process of their own, on the code the
 * gateway runs: `node --expose-gc dist/bench/acl-cost-child.js '<spec JSON>'` prints the costs as
 * one JSON line, and progress lines (`phase <text>`) on stderr.
 *
 * Why a process of its own: the bench process runs its sources through tsx, whose keepNames
 * transform wraps every closure an evaluation creates in a naming call (the compiled build does
 * not), and it carries the heap and the compiled-code state of everything it ran before; in
 * about one run in three that state slowed the very same pages by half, the ACL's (which allocates
 * more) more than the hand-written mapping's. A fresh process on the compiled build measures what
 * a deployment runs, both sides alike.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { measureHandwritten, measureLargePage, measurePerItem, type HandwrittenCost, type LargePageCost, type PerItemCost } from './acl-cost';
import { allRows, legacyProductPage, legacyProductRow } from './legacy-page';
import { REPO_ROOT } from './processes';

/** What the child measures: the sizes and repetitions of each measurement. */
export interface InProcessSpec {
  pageItems: number;
  perItemRuns: number;
  perItemWarmups: number;
  handwrittenRounds: number;
  handwrittenPages: number;
  largePageItems: number;
  hugePageItems: number;
}

export interface InProcessCosts {
  perItem: PerItemCost;
  handwritten: HandwrittenCost;
  largePage: LargePageCost;
  hugePage: LargePageCost;
  /** Which code was measured: `compiled` (dist/, as the gateway runs) or `sources` (through tsx). */
  code: 'compiled' | 'sources';
}

const count = z.number().int().positive();
const SpecSchema = z.object({
  pageItems: count,
  perItemRuns: count,
  perItemWarmups: count,
  handwrittenRounds: count,
  handwrittenPages: count,
  largePageItems: count,
  hugePageItems: count,
});
const LargePageSchema = z.object({ items: z.number(), ms: z.number(), eventLoopMaxMs: z.number() });
const CostsSchema = z.object({
  perItem: z.object({ items: z.number(), runs: z.number(), warmups: z.number(), usPerItem: z.number() }),
  handwritten: z.object({ rounds: z.number(), pagesPerRound: z.number(), handwrittenUs: z.number(), aclUs: z.number(), ratio: z.number() }),
  largePage: LargePageSchema,
  hugePage: LargePageSchema,
});

const PHASE_PREFIX = 'phase ';

/**
 * Runs the measurements in a child process and resolves with what it printed, parsed; `onPhase`
 * hears each of its phases. Rejects with the child's stderr when it fails.
 */
export function measureInProcessCosts(spec: InProcessSpec, onPhase: (message: string) => void): Promise<InProcessCosts> {
  const { compiledEntry } = require(join(REPO_ROOT, 'bin', 'compiled.js')) as { compiledEntry: (entry: string) => string | null };
  const compiled = compiledEntry('bench/acl-cost-child');
  const entry = compiled === null ? ['--import', 'tsx', join(__dirname, 'acl-cost-child.ts')] : [compiled];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...entry, JSON.stringify(spec)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let pending = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      pending += c.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(PHASE_PREFIX)) onPhase(line.slice(PHASE_PREFIX.length));
        else err += `${line}\n`;
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      err += pending;
      if (code !== 0) return reject(new Error(`the ACL cost process exited ${code}: ${err.trim().slice(0, 800)}`));
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ ...CostsSchema.parse(JSON.parse(last)), code: compiled === null ? 'sources' : 'compiled' });
      } catch (e) {
        reject(new Error(`the ACL cost process printed no costs (${e instanceof Error ? e.message : String(e)}): ${last.slice(0, 300)}`));
      }
    });
  });
}

/** The child's side: every measurement, one after another, in this process. */
async function measureHere(spec: InProcessSpec): Promise<Omit<InProcessCosts, 'code'>> {
  const phase = (message: string) => process.stderr.write(`${PHASE_PREFIX}${message}\n`);
  const rows = allRows();
  phase(`translating a ${spec.pageItems}-item page ${spec.perItemRuns} times`);
  const perItem = await measurePerItem(legacyProductPage(spec.pageItems, rows), spec.perItemRuns, spec.perItemWarmups);
  phase(`a ${spec.pageItems}-item page by hand and through the ACL, ${spec.handwrittenRounds} alternating rounds`);
  const handwritten = await measureHandwritten(legacyProductPage(spec.pageItems, rows), spec.handwrittenRounds, spec.handwrittenPages);
  phase(`translating a ${spec.largePageItems}-item page, watching the event loop`);
  const largePage = await measureLargePage(legacyProductPage(spec.largePageItems, rows));
  phase(`translating a ${spec.hugePageItems}-item page, watching the event loop`);
  const hugeRows = Array.from({ length: spec.hugePageItems }, (_, i) => legacyProductRow(i + 1));
  const hugePage = await measureLargePage({ PAGE: 1, SIZE: spec.hugePageItems, TOTAL: spec.hugePageItems, ROWS: hugeRows });
  return { perItem, handwritten, largePage, hugePage };
}

if (require.main === module) {
  const spec: InProcessSpec = SpecSchema.parse(JSON.parse(process.argv[2] ?? ''));
  measureHere(spec).then(
    (costs) => process.stdout.write(`${JSON.stringify(costs)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
