import type { Command } from 'commander';
import { checkSteps, parseDuration } from '../config/rollout-schema';
import type { RolloutControl, RolloutStartRequest } from '../control/rollout/types';
import { withTargetFlags, type OutputFlags } from './control-commands';
import { withTarget } from './control-target';
import { UsageError } from './options';
import { formatRollout, formatRolloutList } from './rollout-format';

interface StartFlags extends OutputFlags {
  readonly steps?: number[];
  readonly interval?: number;
  readonly minRequests?: number;
  readonly reason?: string;
  readonly actor?: string;
}

interface ActionFlags extends OutputFlags {
  readonly reason?: string;
  readonly actor?: string;
}

export function parseSteps(value: string): number[] {
  const steps = value.split(',').map((s) => s.trim());
  const numbers = steps.map(Number);
  if (steps.some((s) => s === '') || numbers.some((n) => !Number.isFinite(n))) throw new UsageError(`--steps "${value}" must be percentages separated by commas, e.g. 5,25,50,100`);
  const bad = checkSteps(numbers);
  if (bad) throw new UsageError(`--steps ${value}: ${bad}`);
  return numbers;
}

export function parseInterval(value: string): number {
  const ms = parseDuration(value);
  if (ms === null || ms < 1_000) throw new UsageError(`--interval "${value}" is not a duration of at least 1s (e.g. 3s, 30s, 5m)`);
  return ms;
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1_000_000) throw new UsageError(`--min-requests "${value}" is not a whole number from 1 to 1000000`);
  return Number(value);
}

function run<T>(flags: OutputFlags, call: (r: RolloutControl, via: string) => Promise<T>, text: (result: T) => string): Promise<void> {
  return withTarget(flags, process.env, async (target) => {
    const result = await call(target.rollouts, target.via);
    process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : text(result));
  });
}

const action = (flags: ActionFlags) => ({ ...(flags.reason !== undefined ? { reason: flags.reason } : {}), ...(flags.actor !== undefined ? { actor: flags.actor } : {}) });

/** `strangler routes rollout start|status|list|pause|resume|abort`: automatic rollouts, through a running gateway's admin API or on the state store. */
export function registerRolloutCommands(routes: Command): void {
  const rollout = routes.command('rollout').description('Automatic rollouts: shadow → canary steps → new, advanced on evidence and rolled back on failure by the gateway itself');

  withTargetFlags(rollout.command('start'))
    .description('Start a rollout of a route: from legacy it goes to shadow first; each interval its evidence is analysed, a pass takes the next step, a failure returns it to shadow')
    .argument('<routeId>', 'route id from routes.json')
    .option('--steps <list>', 'canary shares to move through, rising; 100 is mode new (default: routes.json rollout.steps, else 5,25,50,100)', parseSteps)
    .option('--interval <duration>', 'time between analyses: 3s, 30s, 5m (default: routes.json rollout.interval, else 1m)', parseInterval)
    .option('--min-requests <n>', 'requests each side needs in a step before it can pass (default: routes.json rollout.minRequests, else 100)', parseCount)
    .option('--reason <text>', 'why (recorded with the rollout and in the audit log of its steps)')
    .option('--actor <name>', 'who starts it (default: the OS user, or the admin token)')
    .action((routeId: string, flags: StartFlags) => {
      const request: RolloutStartRequest = {
        ...(flags.steps ? { steps: flags.steps } : {}),
        ...(flags.interval !== undefined ? { intervalMs: flags.interval } : {}),
        ...(flags.minRequests !== undefined ? { minRequests: flags.minRequests } : {}),
        ...action(flags),
      };
      return run(flags, (r, via) => r.rolloutStart(routeId, request, via), (s) => formatRollout(s));
    });

  withTargetFlags(rollout.command('status'))
    .description("A route's rollout: its state, mode and step, the last analysis with each check's value, threshold and verdict, and when the next one runs")
    .argument('<routeId>', 'route id from routes.json')
    .action((routeId: string, flags: OutputFlags) => run(flags, (r) => r.rolloutStatus(routeId), (s) => formatRollout(s)));

  withTargetFlags(rollout.command('list'))
    .description('The newest rollout of every route that had one, and which replica drives them')
    .action((flags: OutputFlags) => run(flags, (r) => r.rolloutList(), formatRolloutList));

  for (const [name, description] of [
    ['pause', 'Pause a rollout: no analysis and no step until it is resumed; the route stays where it is'],
    ['resume', 'Resume a paused rollout: the next analysis runs one interval from now'],
    ['abort', 'End a rollout where it stands: the route stays in its mode, for a person to move on or back'],
  ] as const) {
    withTargetFlags(rollout.command(name))
      .description(description)
      .argument('<routeId>', 'route id from routes.json')
      .option('--reason <text>', 'why')
      .option('--actor <name>', 'who (default: the OS user, or the admin token)')
      .action((routeId: string, flags: ActionFlags) =>
        run(
          flags,
          (r, via) => (name === 'pause' ? r.rolloutPause(routeId, action(flags), via) : name === 'resume' ? r.rolloutResume(routeId, action(flags), via) : r.rolloutAbort(routeId, action(flags), via)),
          (s) => formatRollout(s),
        ),
      );
  }
}
