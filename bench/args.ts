/** Parsed command line of `npm run bench -- [scenario] [flags]`. */
export interface BenchArgs {
  scenario: string;
  durationSec: number;
  rounds: number;
  json: boolean;
  help: boolean;
}

/** A bad command line; `run.ts` turns it into exit code 2 with the usage text. */
export class UsageError extends Error {
  readonly code = 'BENCH_USAGE';
  override readonly name = 'UsageError';
}

/** Gateway overhead and ACL cost in one run. */
export const DEFAULT_SCENARIO = 'all';

export function usage(scenarios: readonly string[]): string {
  return [
    'usage: npm run bench -- [scenario] [--duration S] [--rounds N] [--json]',
    '',
    `  scenario       one of: ${scenarios.join(', ')} (default ${DEFAULT_SCENARIO})`,
    '  --duration S   seconds measured per target and round (default 10; warm-up not counted)',
    '  --rounds N     interleaved rounds over the targets, at least 2, median taken (default 3)',
    '  --json         print one JSON object on stdout instead of the table',
  ].join('\n');
}

/** Pure: no process access, so the whole command line is unit-testable. */
export function parseArgs(argv: readonly string[], scenarios: readonly string[]): BenchArgs {
  const args: BenchArgs = { scenario: DEFAULT_SCENARIO, durationSec: 10, rounds: 3, json: false, help: false };
  let scenarioSeen = false;
  for (let i = 0; i < argv.length; i += 1) {
    const raw = argv[i] as string;
    const [name, inline] = raw.startsWith('--') && raw.includes('=') ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)] : [raw, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--json': args.json = true; break;
      case '--help': case '-h': args.help = true; break;
      case '--duration': args.durationSec = positive(name, value(), false); break;
      case '--rounds':
        args.rounds = positive(name, value(), true);
        // One round cannot tell a real difference from the machine having a slow moment.
        if (args.rounds < 2) throw new UsageError('--rounds must be at least 2');
        break;
      default:
        if (name.startsWith('-')) throw new UsageError(`unknown flag ${name}`);
        if (scenarioSeen) throw new UsageError(`unexpected argument ${name} (scenario already ${args.scenario})`);
        if (!scenarios.includes(name)) throw new UsageError(`unknown scenario "${name}"; known: ${scenarios.join(', ')}`);
        args.scenario = name;
        scenarioSeen = true;
    }
  }
  return args;
}

function positive(flag: string, text: string, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return n;
}
