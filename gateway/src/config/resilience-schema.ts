import { z } from 'zod';

/**
 * The resilience part of the route table: per upstream (with defaults), overridable per route.
 * Imported by config/schema.ts, which stays the single source of the table's types and JSON Schema.
 */

const statusCode = z.number().int().min(500).max(599);

export const RetrySchema = z
  .object({
    maxRetries: z.number().int().min(0).max(10).default(2).describe('Tries after the first, for idempotent requests only.'),
    baseMs: z.number().int().min(1).max(10_000).default(25).describe('Backoff base: try n waits a random time in [0, min(capMs, baseMs·2^n)) (full jitter).'),
    capMs: z.number().int().min(1).max(60_000).default(250).describe('Longest backoff between two tries.'),
    onStatus: z.array(statusCode).default([502, 503, 504]).describe('Upstream statuses that are tried again (connect failures and resets always are).'),
    maxRetryAfterMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(1_000)
      .describe('A Retry-After up to this long is waited for, then the request is tried again; a longer one is passed through to the client.'),
    budgetPercent: z.number().min(0).max(100).default(20).describe('Retries may add at most this share to the requests the upstream receives (per 10 s window).'),
    minRetriesPerSecond: z.number().min(0).max(10_000).default(10).describe('Retries always allowed on top of the percentage, so that a quiet upstream can still be retried.'),
  })
  .strict();

export const BreakerSchema = z
  .object({
    enabled: z.boolean().default(true),
    consecutiveFailures: z.number().int().min(1).max(1_000).default(5).describe('Opens after this many failures in a row.'),
    failureRate: z.number().gt(0).max(1).default(0.5).describe('Or opens when this share of the last `window` calls failed...'),
    window: z.number().int().min(2).max(10_000).default(50).describe('...counted over this many calls...'),
    minimumCalls: z.number().int().min(1).max(10_000).default(20).describe('...once at least this many calls were seen.'),
    openMs: z.number().int().min(1).max(600_000).default(5_000).describe('Time the circuit stays open (failing fast with 503) before probes are let through.'),
    halfOpenProbes: z.number().int().min(1).max(100).default(3).describe('Requests let through at once while half-open; one success closes the circuit, one failure reopens it.'),
    failureStatuses: z.array(statusCode).default([500, 502, 503, 504]).describe('Upstream statuses that count as failures (connect failures, resets and timeouts always do).'),
  })
  .strict();

export const BulkheadSchema = z
  .object({
    maxConcurrent: z.number().int().min(1).max(100_000).describe('Requests in progress at once.'),
    queue: z.number().int().min(0).max(100_000).default(0).describe('Requests waiting for a slot (within their deadline); beyond that, 503 with Retry-After at once.'),
  })
  .strict();

/** Fields added to each upstream. */
export const upstreamResilience = {
  deadlineMs: z
    .number()
    .int()
    .min(1)
    .max(600_000)
    .default(15_000)
    .describe('Time allowed for the answer to begin, every try and backoff included; then 504 naming the upstream.'),
  retry: RetrySchema.default(RetrySchema.parse({})).describe('Retries with exponential backoff and full jitter, within a retry budget.'),
  breaker: BreakerSchema.default(BreakerSchema.parse({})).describe('Circuit breaker: fails fast while the upstream keeps failing.'),
  bulkhead: BulkheadSchema.default({ maxConcurrent: 256, queue: 32 }).describe('Concurrent requests to this upstream; the rest are refused with 503 at once.'),
};

export const FallbackSchema = z.union([
  z
    .object({
      upstream: z.string().describe('Another upstream that answers instead, at the same path.'),
    })
    .strict(),
  z
    .object({
      json: z.unknown().describe('A fixed JSON body answered instead.'),
      status: z.number().int().min(200).max(599).default(200),
    })
    .strict(),
]);

/** A plain name that cannot reach an object's prototype when assigned. */
const PLAIN_FIELD = /^(?!(?:__proto__|constructor|prototype)$)[A-Za-z_][A-Za-z0-9_]*$/;

export const OptionalPartSchema = z
  .object({
    field: z.string().regex(PLAIN_FIELD, 'must be a plain name (letters, digits, _), not __proto__, constructor or prototype').describe('Where the part goes in the answer body.'),
    upstream: z.string().describe('The declared upstream that serves the part.'),
    path: z.string().describe("The part's path, a template using the route path's parameters (e.g. /recommendations/:id)."),
    timeoutMs: z.number().int().min(1).max(10_000).default(300).describe('Time for the whole part (connect, answer, body); late, it is left out.'),
  })
  .strict();

export const RouteResilienceSchema = z
  .object({
    connectTimeoutMs: z.number().int().min(1).max(60_000).optional().describe("Overrides the upstream's."),
    timeoutMs: z.number().int().min(1).max(600_000).optional().describe("Overrides the upstream's per-try timeout."),
    deadlineMs: z.number().int().min(1).max(600_000).optional().describe("Overrides the upstream's deadline."),
    retry: RetrySchema.omit({ budgetPercent: true, minRetriesPerSecond: true })
      .partial()
      .optional()
      .describe("Overrides some of the upstream's retry settings (maxRetries: 0 turns retries off); the budget is the upstream's."),
    idempotent: z
      .array(z.enum(['PUT', 'DELETE']))
      .default([])
      .describe('Methods besides GET, HEAD and OPTIONS that this route may send twice (their bodies, up to 64 KiB, are buffered to be resent).'),
    bulkhead: BulkheadSchema.optional().describe('Concurrent requests for this route, on top of the upstream bulkhead (e.g. a slow report).'),
    fallback: FallbackSchema.optional().describe(
      'Answers GET, HEAD and OPTIONS when the primary cannot: circuit open, bulkhead full, cannot connect, reset, timeout or 5xx. Marked x-strangler-fallback.',
    ),
    optionalParts: z
      .array(OptionalPartSchema)
      .max(4)
      .optional()
      .describe(
        'Parts fetched beside a GET and merged into its 2xx JSON object answer; a part that fails or is late is left out and named in x-strangler-degraded.',
      ),
  })
  .strict();

export const SheddingSchema = z
  .object({
    maxInFlight: z.number().int().min(1).max(1_000_000).default(4_096).describe('Proxied requests in progress beyond which new ones get 503.'),
    maxEventLoopDelayMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(500)
      .describe('90th percentile event-loop delay (over about a second) beyond which new requests get 503; 0 turns it off.'),
    retryAfterSeconds: z.number().int().min(1).max(3_600).default(1).describe('Retry-After sent with a shed request.'),
  })
  .strict();

export type RetryConfig = z.infer<typeof RetrySchema>;
export type BreakerConfig = z.infer<typeof BreakerSchema>;
export type BulkheadConfig = z.infer<typeof BulkheadSchema>;
export type FallbackConfig = z.infer<typeof FallbackSchema>;
export type OptionalPartConfig = z.infer<typeof OptionalPartSchema>;
export type RouteResilienceConfig = z.infer<typeof RouteResilienceSchema>;
export type SheddingConfig = z.infer<typeof SheddingSchema>;
