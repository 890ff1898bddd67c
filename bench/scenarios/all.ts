/**
 * The default run: gateway overhead, then the ACL cost, against one upstream and one gateway
 * (same process group, started once), then the shadow cost against its own gateway and two
 * upstreams, then instance balancing against three instances, then the cost of tracing; printed as the tables one after
 * another or as one JSON object.
 */
import { runAclPhase } from './acl';
import { runGatewayPhase, startTargets, withTempDir } from './gateway';
import type { Scenario, ScenarioOutcome } from './scenario';
import { runPoolPhase, startPoolTargets } from './pool';
import { runShadowPhase, startShadowTargets } from './shadow';
import { runTracingPhase, startTracingTargets } from './tracing';

export const allScenario: Scenario = (ctx) =>
  withTempDir(async (dir) => {
    ctx.progress.phase('starting upstream, raw and naive proxies and gateway');
    const children = await startTargets(ctx.group, dir, { naive: true });
    const gateway = await runGatewayPhase(ctx, children);
    const acl = await runAclPhase(ctx, children.upstream, children.gateway);
    ctx.progress.phase('starting the legacy and new upstreams and the shadow gateway');
    const shadow = await runShadowPhase(ctx, await startShadowTargets(ctx.group, dir));
    ctx.progress.phase('starting three upstream instances and the pool gateway');
    const pool = await runPoolPhase(ctx, await startPoolTargets(ctx, dir));
    ctx.progress.phase('starting the OTLP receiver and the three tracing gateways');
    const tracing = await runTracingPhase(ctx, await startTracingTargets(ctx.group, dir));
    return combine([gateway, acl, shadow, pool, tracing]);
  });

/** Tables one after another, JSON keys merged (each phase owns distinct keys), every failure kept. */
export function combine(outcomes: readonly ScenarioOutcome[]): ScenarioOutcome {
  return {
    human: outcomes.map((o) => o.human).join('\n\n'),
    json: Object.assign({}, ...outcomes.map((o) => o.json)) as object,
    failures: outcomes.flatMap((o) => o.failures),
  };
}
