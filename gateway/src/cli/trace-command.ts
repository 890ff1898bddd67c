import type { Command } from 'commander';
import { assembleTraces } from './trace-assemble';
import { formatTraces, traceJson } from './trace-format';
import { lookupOf, readTraceSpans, TracesFileMissing, type SkippedLine } from './trace-read';
import { tracesFileOf } from './up-trace';

interface TraceFlags {
  file?: string;
  json?: boolean;
}

/** Unreadable lines are named (a few of them) but do not stop the lookup: the rest of the file is good. */
function warnSkipped(file: string, skipped: readonly SkippedLine[]): void {
  if (skipped.length === 0) return;
  const shown = skipped.slice(0, 3).map((s) => `${file}:${s.line}: ${s.problem}`);
  const more = skipped.length > 3 ? `; and ${skipped.length - 3} more` : '';
  process.stderr.write(`strangler: warning: skipped ${skipped.length === 1 ? 'a line that is' : `${skipped.length} lines that are`} not a span: ${shown.join('; ')}${more}\n`);
}

async function showTrace(id: string, flags: TraceFlags, env: NodeJS.ProcessEnv): Promise<void> {
  const lookup = lookupOf(id);
  const file = flags.file ?? tracesFileOf(env);
  let read;
  try {
    read = await readTraceSpans(file, lookup);
  } catch (e) {
    if (!(e instanceof TracesFileMissing)) throw e;
    process.stderr.write(`strangler: ${e.message}: start the stack with \`npm start -- --trace\` to collect spans there, or name the file with --file\n`);
    process.exitCode = 1;
    return;
  }
  warnSkipped(file, read.skipped);
  if (read.spans.length === 0) {
    process.stderr.write(`strangler: no trace with the id or request id "${lookup}" in ${file}: spans arrive a few seconds after their request (each part exports in batches); a request made before the stack ran with --trace has none\n`);
    process.exitCode = 1;
    return;
  }
  const traces = assembleTraces(read.spans);
  process.stdout.write(flags.json ? `${JSON.stringify(traceJson(traces, file), null, 2)}\n` : formatTraces(traces));
}

/** `strangler trace <id>`: one request's story across every process, from the spans `npm start -- --trace` collected. */
export function registerTrace(program: Command): void {
  program
    .command('trace')
    .description("Print a request's trace as a waterfall across the gateway, the monolith and the services, from the spans `npm start -- --trace` wrote")
    .argument('<id>', 'the request id (the x-request-id header) or the trace id (32 hex digits)')
    .option('--file <path>', 'the spans file (default <data dir>/traces.jsonl; the data dir is STRANGLER_DATA_DIR, else ./data)')
    .option('--json', 'print the trace as JSON (every span with its depth) instead of the waterfall')
    .action((id: string, flags: TraceFlags) => showTrace(id, flags, process.env));
}
