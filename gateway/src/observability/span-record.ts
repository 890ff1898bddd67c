import { z } from 'zod';

/**
 * One line of `traces.jsonl`: a span as the local collector (`npm start -- --trace`) flattened it
 * from OTLP, readable without knowing OTLP. The one schema the collector writes by and
 * `strangler trace` reads by.
 */

const HEX = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), `${length} lower-case hex digits`);

export const TraceIdSchema = HEX(32);
export const SpanIdSchema = HEX(16);

/** An attribute's value with OTLP's wrapping taken off: text, number, boolean, or a list or map of them. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export const AttributeValueSchema: z.ZodType<AttributeValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(AttributeValueSchema), z.record(z.string(), AttributeValueSchema)]),
);
export const AttributesSchema = z.record(z.string(), AttributeValueSchema);

/** OTLP's span kinds by name (the wire carries their numbers). */
export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
/** OTLP's status codes by name. */
export const STATUS_CODES = ['unset', 'ok', 'error'] as const;

/** Nanoseconds since the epoch, as decimal text: a double cannot hold them exactly. */
const NanosSchema = z.string().regex(/^\d{1,20}$/, 'nanoseconds as decimal digits');

export const SpanRecordSchema = z.object({
  traceId: TraceIdSchema,
  spanId: SpanIdSchema,
  /** null for a root span. */
  parentSpanId: SpanIdSchema.nullable(),
  name: z.string(),
  kind: z.enum(SPAN_KINDS),
  /** The resource's `service.name`. */
  service: z.string(),
  startTimeUnixNano: NanosSchema,
  endTimeUnixNano: NanosSchema,
  durationMs: z.number(),
  attributes: AttributesSchema,
  links: z.array(z.object({ traceId: TraceIdSchema, spanId: SpanIdSchema, attributes: AttributesSchema })),
  status: z.object({ code: z.enum(STATUS_CODES), message: z.string().optional() }),
});
export type SpanRecord = z.infer<typeof SpanRecordSchema>;

/** The attribute that ties spans to the gateway's request id (`x-request-id`). */
export const REQUEST_ID_ATTRIBUTE = 'strangler.request_id';
