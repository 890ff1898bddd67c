import { z } from 'zod';
import { ROUTE_MODES, type RouteMode } from '../../config/schema';
import { DEFAULT_SINCE_MS, parse } from '../admin-requests';
import { BURNDOWN_RANGES, type BurndownRange } from './answers';

/** The dashboard endpoints' queries, strict like the rest of the admin API: an unknown key is refused. */

const BurndownQuerySchema = z.object({ range: z.enum(Object.keys(BURNDOWN_RANGES) as [BurndownRange, ...BurndownRange[]]).default('24h') }).strict();

const PreviewQuerySchema = z
  .object({
    action: z.enum(['flip', 'rollback']).default('flip'),
    to: z.enum(ROUTE_MODES).optional(),
    percent: z
      .string()
      .regex(/^\d{1,3}(\.\d{1,2})?$/, 'must be a number such as 5 or 12.5')
      .transform(Number)
      .optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.action === 'flip' && q.to === undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: 'a flip preview needs the mode to flip to' });
  });

const TrafficQuerySchema = z.object({ since: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional() }).strict();

export function parseBurndownQuery(query: unknown): BurndownRange {
  return parse(BurndownQuerySchema, query, 'burn-down query refused').range;
}

export type PreviewQuery = { readonly action: 'rollback' } | { readonly action: 'flip'; readonly to: RouteMode; readonly percent: number | undefined };

export function parsePreviewQuery(query: unknown): PreviewQuery {
  const q = parse(PreviewQuerySchema, query, 'preview query refused');
  if (q.action === 'rollback') return { action: 'rollback' };
  // superRefine guarantees `to` for a flip.
  return { action: 'flip', to: q.to ?? 'legacy', percent: q.percent };
}

export function parseTrafficQuery(query: unknown, now: Date): Date {
  const q = parse(TrafficQuerySchema, query, 'traffic query refused');
  return q.since === undefined ? new Date(now.getTime() - DEFAULT_SINCE_MS) : new Date(q.since);
}
