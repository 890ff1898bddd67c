/**
 * The default run: gateway overhead, then the ACL cost, against one upstream and one gateway
 * (same process group, started once), printed as both tables or as one JSON object.
 */
import { runAclPhase } from './acl';
import { runGatewayPhase, startTargets, withTempDir } from './gateway';
import type { Scenario, ScenarioOutcome } from './scenario';

export const allScenario: Scenario = (ctx) =>
  withTempDir(async (dir) => {
    ctx.progress.phase('starting upstream, naive proxy and gateway');
    const children = await startTargets(ctx.group, dir, { naive: true });
    const gateway = await runGatewayPhase(ctx, children);
    const acl = await runAclPhase(ctx, children.upstream, children.gateway);
    return combine([gateway, acl]);
  });

/** Tables one after another, JSON keys merged (each phase owns distinct keys), every failure kept. */
export function combine(outcomes: readonly ScenarioOutcome[]): ScenarioOutcome {
  return {
    human: outcomes.map((o) => o.human).join('\n\n'),
    json: Object.assign({}, ...outcomes.map((o) => o.json)) as object,
    failures: outcomes.flatMap((o) => o.failures),
  };
}
