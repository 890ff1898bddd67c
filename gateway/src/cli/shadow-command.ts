import type { Command } from 'commander';
import { act, withTargetFlags, type OutputFlags } from './control-commands';
import { parseSince } from './control-options';
import { formatShadowReports } from './shadow-format';

/** `strangler shadow report`: the shadow comparison record, through a running gateway's admin API or straight from the store. */
export function registerShadow(program: Command): void {
  const shadow = program.command('shadow').description('Shadow comparison results (legacy and new answering the same requests)');
  withTargetFlags(shadow.command('report'))
    .description('Per route: requests compared, match rate, new-side errors, latency of both sides, and every field that differed with its noise verdict')
    .argument('[routeId]', 'only this route (default: every route with results)')
    .option('--since <time>', 'results since an ISO time or a span back from now: 30m, 1h, 24h, 7d (default 24h; counted by whole hours)', (v: string) => parseSince(v))
    .action((routeId: string | undefined, flags: OutputFlags & { since?: Date }) => {
      const since = flags.since ?? parseSince('24h');
      return act(flags, (c) => c.shadowReport(routeId, since), (reports) => formatShadowReports(reports, since));
    });
}
