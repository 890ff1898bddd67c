import { z } from 'zod';
import { checkPercent } from './modes';

/**
 * A route's rollout plan in routes.json (`rollout`): the steps an automatic rollout takes from
 * shadow to new, how often it judges the evidence, and the thresholds it judges by. Every field
 * has a default, so `"rollout": {}` is a plan; the flags of `routes rollout start` override it.
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `3s`, `30s`, `5m`, `1h`, `7d` (or `500ms`) as milliseconds; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
}

/** Milliseconds in the largest unit that divides them: 60000 → `1m`, 3000 → `3s`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Why a list of steps cannot be a plan, or null: rising percentages, each a canary share, the last one may be 100 (mode new). */
export function checkSteps(steps: readonly number[]): string | null {
  if (steps.length === 0) return 'needs at least one step';
  for (const [i, s] of steps.entries()) {
    const last = i === steps.length - 1;
    if (s === 100 && last) continue;
    const bad = checkPercent(s);
    if (bad) return `step ${s} ${s === 100 ? 'must be the last one (100 is mode new)' : bad}`;
    if (i > 0 && s <= (steps[i - 1] as number)) return `steps must rise: ${s} follows ${steps[i - 1]}`;
  }
  return null;
}

export const DEFAULT_STEPS: readonly number[] = [5, 25, 50, 100];
export const DEFAULT_INTERVAL_MS = 60_000;
export const DEFAULT_MIN_REQUESTS = 100;

export const RolloutPlanSchema = z
  .object({
    steps: z
      .array(z.number())
      .superRefine((steps, ctx) => {
        const bad = checkSteps(steps);
        if (bad) ctx.addIssue({ code: 'custom', message: bad });
      })
      .optional()
      .describe('Canary shares the rollout moves through after shadow, rising; 100 means mode new. Default 5, 25, 50, 100.'),
    interval: z.string().optional().describe('How often the evidence is judged: 3s, 30s, 5m… (at least 1s). Default 1m.'),
    minRequests: z.number().int().min(1).max(1_000_000).optional().describe('Requests each side needs in a step before its analysis can pass or fail on its numbers; fewer is no-data. Default 100.'),
    pauseAfterNoData: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(10)
      .describe('No-data (or inconclusive) analyses in a row after which the rollout pauses for a person.'),
    canary: z
      .object({
        maxErrorRateIncrease: z
          .number()
          .min(0)
          .max(1)
          .default(0.01)
          .describe("How much worse new's rate of 5xx, timeouts and abandoned requests may be than legacy's, as a share (0.01: one percentage point)."),
        maxP99Factor: z.number().min(1).max(100).default(1.5).describe("New's p99 latency must stay within this factor of legacy's."),
        p99FloorMs: z.number().min(0).max(60_000).default(50).describe('A p99 at or under this many milliseconds never fails the latency check (differences in the noise).'),
      })
      .strict()
      .default({ maxErrorRateIncrease: 0.01, maxP99Factor: 1.5, p99FloorMs: 50 }),
    data: z
      .object({
        context: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'must name a data context, e.g. catalog').describe('The data context the new side serves (`strangler verify <context>`).'),
        maxAge: z.string().default('24h').describe('The last verify of the context must be clean and at most this old: 30m, 24h, 7d…'),
      })
      .strict()
      .optional()
      .describe('The data the new side depends on: each analysis checks that its last verify is clean and recent.'),
  })
  .strict()
  .superRefine((plan, ctx) => {
    if (plan.interval !== undefined) {
      const ms = parseDuration(plan.interval);
      if (ms === null || ms < 1_000 || ms > 86_400_000) ctx.addIssue({ code: 'custom', path: ['interval'], message: 'must be a duration from 1s to 1d, such as 3s, 30s, 5m' });
    }
    if (plan.data !== undefined) {
      const ms = parseDuration(plan.data.maxAge);
      if (ms === null || ms < 60_000) ctx.addIssue({ code: 'custom', path: ['data', 'maxAge'], message: 'must be a duration of at least 1m, such as 30m, 24h, 7d' });
    }
  });

export type RolloutPlanConfig = z.infer<typeof RolloutPlanSchema>;
