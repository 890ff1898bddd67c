import { z } from 'zod';
import { RouteShadowReportSchema } from '../shadow/types';
import type { ADMIN_PATHS } from './admin-paths';
import { RolloutListSchema, RolloutStatusSchema } from './rollout/types';
import { DASHBOARD_ANSWERS } from './dashboard/answers';
import { AuditEntrySchema, ChangeResultSchema, ExplanationSchema, RouteListSchema } from './types';

/**
 * What each admin endpoint answers when it succeeds, by the name of its path in ADMIN_PATHS. The
 * API's answers are these types (the Control returns them), and the admin client parses what it
 * receives with these same schemas: one definition on both sides of the wire.
 */
export const ADMIN_ANSWERS = {
  routes: RouteListSchema,
  explain: ExplanationSchema,
  flip: ChangeResultSchema,
  rollback: ChangeResultSchema,
  history: z.array(AuditEntrySchema).readonly(),
  shadowReport: z.array(RouteShadowReportSchema),
  rollouts: RolloutListSchema,
  rollout: RolloutStatusSchema,
  rolloutAction: RolloutStatusSchema,
  dashboardOverview: DASHBOARD_ANSWERS.overview,
  dashboardBurndown: DASHBOARD_ANSWERS.burndown,
  dashboardPreview: DASHBOARD_ANSWERS.preview,
  dashboardTraffic: DASHBOARD_ANSWERS.routeTraffic,
} as const satisfies Record<keyof typeof ADMIN_PATHS, z.ZodType>;
