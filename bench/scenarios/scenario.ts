import type { BenchArgs } from '../args';
import type { ProcessGroup } from '../processes';
import type { Progress } from '../progress';

/** What every scenario gets: the parsed command line, the owner of its child processes, and progress. */
export interface ScenarioContext {
  args: BenchArgs;
  group: ProcessGroup;
  progress: Progress;
}

/** What `run.ts` prints. A non-empty `failures` makes the run exit 1 and prints no figures as JSON. */
export interface ScenarioOutcome {
  human: string;
  json: object;
  failures: string[];
}

/** A sub-command of `npm run bench`; `run.ts` maps names to these. */
export type Scenario = (ctx: ScenarioContext) => Promise<ScenarioOutcome>;
