import { z } from 'zod';
import { HTTP_METHODS } from '../http/methods';
import { upstreamInstances } from './instances-schema';
import { RouteResilienceSchema, SheddingSchema, upstreamResilience } from './resilience-schema';
import { RolloutPlanSchema } from './rollout-schema';

/**
 * The route table schema: the single source of the TypeScript types (z.infer) and of the JSON
 * Schema published as gateway/routes.schema.json. Strict objects everywhere: an unknown key is an
 * error, never silently ignored (no aliases, no lenient config).
 */

export const ROUTE_MODES = ['legacy', 'shadow', 'canary', 'new', 'retired'] as const;

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes, starting with a letter');

export const UpstreamSchema = z
  .object({
    ...upstreamInstances,
    connectTimeoutMs: z.number().int().min(1).max(60_000).default(2_000).describe('Time allowed to open a connection.'),
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(600_000)
      .default(15_000)
      .describe('Time allowed for the upstream to start answering once the request is sent.'),
    maxSockets: z.number().int().min(1).max(65_536).default(256).describe('Keep-alive pool size.'),
    ...upstreamResilience,
  })
  .strict();

const mappingName = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/, 'must name an ACL mapping as <context>/<mapping>, e.g. catalog/product-read');

export const TranslateSchema = z
  .object({
    request: mappingName.optional().describe('ACL mapping applied to JSON request bodies (new contract → this upstream\'s shape).'),
    response: mappingName.optional().describe('ACL mapping applied to 2xx JSON answers (this upstream\'s shape → new contract).'),
    error: mappingName
      .optional()
      .describe('ACL mapping applied to 4xx and 5xx JSON answers (this upstream\'s error shape → the new contract\'s, e.g. problem+json). Without it error answers pass through, and a shadow compares them by status only.'),
  })
  .strict();

export const TargetSchema = z
  .object({
    upstream: name.describe('Name of an entry in `upstreams`.'),
    translate: TranslateSchema.optional().describe('Anti-corruption layer mappings, compiled at load.'),
    rewrite: z
      .string()
      .regex(/^\//, 'must start with /')
      .optional()
      .describe('Upstream path template; may use the route pattern\'s :params and a trailing *. Default: the request path.'),
  })
  .strict();

export const CanarySchema = z
  .object({
    percent: z
      .number()
      .gt(0)
      .lt(100)
      .optional()
      .describe('Share of keys answered by new when the route is in mode canary (more than 0, less than 100, two decimals at most).'),
    stickyBy: z
      .enum(['client', 'header', 'cookie'])
      .default('client')
      .describe('What keeps a user on one side: the client address, a request header or a cookie (named by `key`). Without the header or cookie, the client address.'),
    key: z
      .string()
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a header or cookie name')
      .optional()
      .describe('Header or cookie name for stickyBy header|cookie.'),
  })
  .strict();

const fieldGlobs = z.array(z.string().min(1)).default([]);

export const ShadowGateSchema = z
  .object({
    minCompared: z.number().int().min(0).default(100).describe('Compared requests needed before the route may move to canary or new.'),
    minMatchRate: z.number().min(0).max(1).default(0.99).describe('Share of compared requests without a real difference.'),
    maxNewErrorRate: z.number().min(0).max(1).default(0.01).describe('Share of shadowed requests the new side failed or timed out.'),
  })
  .strict();

export const ShadowSchema = z
  .object({
    sample: z.number().min(0).max(1).default(1).describe('Share of requests mirrored to the other side.'),
    timeoutMs: z.number().int().min(1).max(60_000).default(2_000).describe('Time the mirrored copy may take, connect to last byte.'),
    mirrorWrites: z
      .boolean()
      .default(false)
      .describe('Mirror writes to the new side too (they carry x-strangler-shadow: 1 and the new services suppress side effects); GET and HEAD only otherwise. Never to legacy.'),
    reverse: z.boolean().default(false).describe('In mode new, mirror GET and HEAD to legacy and compare (a reverse shadow).'),
    maxBodyBytes: z.number().int().min(0).default(65_536).describe('Request bodies larger than this are not mirrored (counted).'),
    maxResponseBytes: z.number().int().min(1).default(1_048_576).describe('The most read of each answer for the comparison; beyond it the answer is recorded as truncated.'),
    noiseSample: z.number().min(0).max(1).default(0.1).describe('Share of mirrored GET/HEAD requests sent to legacy a second time to learn which fields differ by themselves.'),
    compareHeaders: z.array(z.string().regex(/^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$/)).default(['content-type']).describe('Response headers compared besides status and body.'),
    ignore: fieldGlobs.describe('Field paths never compared, e.g. items[*].updatedAt (array indexes fold to [*], map keys to {*}).'),
    unordered: fieldGlobs.describe('Arrays whose order does not matter.'),
    noise: z
      .object({
        relative: z.number().min(0).max(1).default(0.2).describe('A real difference differs this much more often legacy→new than legacy→legacy (relative).'),
        absolute: z.number().min(0).max(1).default(0.0003).describe('… and by at least this share of compared requests.'),
      })
      .strict()
      .default({ relative: 0.2, absolute: 0.0003 }),
    gate: ShadowGateSchema.default(ShadowGateSchema.parse({})).describe('What the shadow record must show before a flip to canary or new (else --force with a reason).'),
  })
  .strict();

export const RouteSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be letters, digits, dot, dash or underscore'),
    description: z.string().optional(),
    path: z
      .string()
      .regex(/^\//, 'must start with /')
      .describe('Pattern: literal segments, :param for one segment, and a final * for the rest (zero or more segments).'),
    methods: z.array(z.enum(HTTP_METHODS)).min(1).optional().describe('Methods this route takes; all when absent.'),
    mode: z.enum(ROUTE_MODES).describe('Who answers: legacy, shadow, canary, new or retired.'),
    legacy: TargetSchema.optional(),
    new: TargetSchema.optional(),
    canary: CanarySchema.optional().describe('How the canary splits traffic; its percent is the baseline when mode is canary.'),
    shadow: ShadowSchema.optional().describe('How the shadow copy is taken in mode shadow.'),
    fallbackToLegacy: z
      .boolean()
      .default(false)
      .describe('In modes canary and new: a GET, HEAD or OPTIONS that new fails (connect failure or 5xx) is answered by legacy.'),
    resilience: RouteResilienceSchema.optional().describe("Overrides of the answering upstream's timeouts and retries, a route bulkhead, and a fallback."),
    rollout: RolloutPlanSchema.optional().describe('The plan of an automatic rollout (`strangler routes rollout start`): its steps, interval, thresholds and the data it depends on.'),
  })
  .strict();

export const LimitsSchema = z
  .object({
    maxBodyBytes: z.number().int().min(0).default(10 * 1024 * 1024).describe('Larger request bodies get 413.'),
    maxUrlBytes: z.number().int().min(64).max(65_536).default(8_192).describe('Longer request targets get 414.'),
    maxHeaderBytes: z.number().int().min(1_024).max(65_536).default(32_768).describe('Larger request heads get 431.'),
    maxHeaderCount: z.number().int().min(16).max(1_000).default(100).describe('Requests with more header fields get 431 (Envoy and Apache default to 100).'),
    headersTimeoutMs: z.number().int().min(100).default(10_000).describe('A client that does not finish its headers in time gets 408.'),
  })
  .strict();

export const TracingSchema = z
  .object({
    acceptFrom: z
      .array(z.string())
      .optional()
      .describe(
        'Addresses or CIDR ranges whose traceparent and tracestate are continued; from anyone else a new trace starts (an edge must not let any client choose trace ids or sampling). Absent: the trustedProxies (with the --trusted-proxy overrides).',
      ),
    respondTraceparent: z.boolean().default(false).describe("Answer with the gateway's own traceparent, so that a caller can find its request's trace."),
    propagate: z
      .boolean()
      .default(true)
      .describe('Send traceparent (and tracestate) upstream on every try and shadow copy, and continue accepted callers\' traces. false turns trace context off (no incoming trace is read, none is sent): a baseline to measure its cost against, not a setting for production.'),
  })
  .strict();

export const RouteTableSchema = z
  .object({
    $schema: z.string().optional(),
    upstreams: z.record(name, UpstreamSchema).refine((u) => Object.keys(u).length > 0, 'at least one upstream is required'),
    trustedProxies: z
      .array(z.string())
      .default([])
      .describe('Addresses or CIDR ranges whose X-Forwarded-* headers are believed.'),
    forceTargetFrom: z
      .array(z.string())
      .default([])
      .describe('Addresses or CIDR ranges allowed to pin a request to a side with the x-strangler-target: legacy|new header (debugging). Nobody by default.'),
    tracing: TracingSchema.default(TracingSchema.parse({})).describe('W3C trace context: whose incoming traceparent is continued, and whether answers carry one.'),
    limits: LimitsSchema.default(LimitsSchema.parse({})),
    shedding: SheddingSchema.default(SheddingSchema.parse({})).describe('Load shedding: the gateway refuses new work with 503 when it is itself overloaded.'),
    shadowing: z
      .object({
        maxPending: z.number().int().min(1).default(256).describe('Shadowed requests in progress at once; beyond it copies are dropped and counted.'),
        concurrency: z.number().int().min(1).default(64).describe('Shadow calls in flight at once.'),
      })
      .strict()
      .default({ maxPending: 256, concurrency: 64 }),
    routes: z.array(RouteSchema).min(1),
  })
  .strict();

export type RouteMode = (typeof ROUTE_MODES)[number];
export type UpstreamConfig = z.infer<typeof UpstreamSchema>;
export type TargetConfig = z.infer<typeof TargetSchema>;
export type TranslateConfig = z.infer<typeof TranslateSchema>;
export type RouteConfig = z.infer<typeof RouteSchema>;
export type CanaryConfig = z.infer<typeof CanarySchema>;
export type ShadowConfig = z.infer<typeof ShadowSchema>;
export type Limits = z.infer<typeof LimitsSchema>;
export type TracingConfig = z.infer<typeof TracingSchema>;
export type RouteTableConfig = z.infer<typeof RouteTableSchema>;
