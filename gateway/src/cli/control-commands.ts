import type { Command, CommanderError } from 'commander';
import { ROUTE_MODES, type RouteMode } from '../config/schema';
import type { Control, FlipRequest } from '../control/types';
import { formatChange, formatExplanation, formatHistory, formatList } from './control-format';
import { parseLimit, parseMethod, parseMode, parsePercent, parseRequestPath, parseSince } from './control-options';
import { DEFAULT_ADMIN_URL, withTarget, type TargetFlags } from './control-target';
import { UsageError } from './options';

export interface OutputFlags extends TargetFlags {
  readonly json?: boolean;
}

interface FlipFlags extends OutputFlags {
  readonly to?: RouteMode;
  readonly percent?: number;
  readonly reason?: string;
  readonly force?: boolean;
  readonly actor?: string;
}

/** Commander's own usage failures (missing argument, unknown option) exit 2 like ours; help still exits 0. */
function usageExit(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : 2);
}

export function withTargetFlags(cmd: Command): Command {
  return cmd
    .option('--store <url>', 'act on the state store directly (sqlite:<path> or mysql://user:pass@host/db) instead of a running gateway')
    .option('--routes <file>', 'with --store: the route table the flips apply to (env STRANGLER_ROUTES, default routes.json)')
    .option('--admin <url>', `admin API of a running gateway (env STRANGLER_ADMIN_URL, default ${DEFAULT_ADMIN_URL}); token from STRANGLER_ADMIN_TOKEN or <STRANGLER_DATA_DIR>/admin-token`)
    .option('--json', 'print the JSON objects instead of a table')
    .exitOverride(usageExit);
}

/** Runs one operation against the target the flags name and prints its result as text or JSON. */
export function act<T>(flags: OutputFlags, call: (control: Control, via: string) => Promise<T>, text: (result: T) => string): Promise<void> {
  return withTarget(flags, process.env, async (target) => {
    const result = await call(target.control, target.via);
    process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : text(result));
  });
}

/** The flip request from the flags, refusing an incomplete one before anything is opened. */
function flipRequest(flags: FlipFlags): FlipRequest {
  if (flags.to === undefined) throw new UsageError(`flip needs --to <mode>: one of ${ROUTE_MODES.join(', ')}`);
  if (flags.to === 'canary' && flags.percent === undefined) throw new UsageError('--to canary needs --percent N (the share answered by new)');
  if (flags.to !== 'canary' && flags.percent !== undefined) throw new UsageError(`--percent only applies to --to canary, not ${flags.to}`);
  const reason = flags.reason?.trim() ?? '';
  if (reason === '') throw new UsageError('flip needs --reason "…": say why (it goes into the audit log)');
  return {
    to: flags.to,
    reason,
    ...(flags.percent !== undefined ? { percent: flags.percent } : {}),
    ...(flags.force ? { force: true } : {}),
    ...(flags.actor !== undefined ? { actor: flags.actor } : {}),
  };
}

/** `strangler routes list|explain|flip|rollback|history`: the route control plane, through a running gateway's admin API or straight on the state store. */
export function registerControlCommands(routes: Command): void {
  withTargetFlags(routes.command('list'))
    .description('List the routes with the mode each is in now, where that state comes from, and their upstreams')
    .action((flags: OutputFlags) => act(flags, (c) => c.list(), formatList));

  withTargetFlags(routes.command('explain'))
    .description('Show which route a request matches and why, which side answers, and the traffic each upstream received for it (the proof of retirement)')
    .argument('<method>', 'HTTP method, e.g. GET', parseMethod)
    .argument('<path>', 'request path, e.g. /api/v2/products/1', parseRequestPath)
    .option('--since <time>', 'traffic since an ISO time or a span back from now: 30m, 1h, 24h, 7d (default 24h)', (v: string) => parseSince(v))
    .action((method: string, reqPath: string, flags: OutputFlags & { since?: Date }) =>
      act(flags, (c) => c.explain(method, reqPath, flags.since ?? parseSince('24h')), formatExplanation),
    );

  withTargetFlags(routes.command('flip'))
    .description('Move a route to another mode; one step forward at a time (legacy → shadow → canary → new → retired) unless --force; back towards legacy freely (out of retired only to new)')
    .argument('<routeId>', 'route id from routes.json')
    .option('--to <mode>', `target mode: ${ROUTE_MODES.join(', ')}`, parseMode)
    .option('--percent <n>', 'with --to canary: the share answered by new (more than 0, less than 100)', parsePercent)
    .option('--reason <text>', 'why (required; recorded in the audit log)')
    .option('--force', 'make a move the state machine refuses (recorded as forced)')
    .option('--actor <name>', 'who is flipping (default: the OS user, or the admin token)')
    .action((routeId: string, flags: FlipFlags) => {
      const request = flipRequest(flags);
      return act(flags, (c, via) => c.flip(routeId, request, via), formatChange);
    });

  withTargetFlags(routes.command('rollback'))
    .description('Undo the last change of a route not yet undone: its previous state exactly (repeat to walk further back)')
    .argument('<routeId>', 'route id from routes.json')
    .option('--reason <text>', 'why (default: names the change undone)')
    .option('--actor <name>', 'who is rolling back (default: the OS user, or the admin token)')
    .action((routeId: string, flags: OutputFlags & { reason?: string; actor?: string }) => {
      const request = { ...(flags.reason !== undefined ? { reason: flags.reason } : {}), ...(flags.actor !== undefined ? { actor: flags.actor } : {}) };
      return act(flags, (c, via) => c.rollback(routeId, request, via), formatChange);
    });

  withTargetFlags(routes.command('history'))
    .description('The audit log of flips and rollbacks, newest first, for one route or all')
    .argument('[routeId]', 'only this route')
    .option('--limit <n>', 'at most this many entries (default 100)', parseLimit)
    .action((routeId: string | undefined, flags: OutputFlags & { limit?: number }) =>
      act(flags, (c) => c.history(routeId, flags.limit), (entries) => formatHistory(entries, routeId)),
    );
}
