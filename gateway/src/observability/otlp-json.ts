import { z } from 'zod';
import { SPAN_KINDS, SpanIdSchema, STATUS_CODES, TraceIdSchema, type AttributeValue, type SpanRecord } from './span-record';

/**
 * An OTLP/HTTP JSON export request (ExportTraceServiceRequest) read into span records. Per the
 * OTLP JSON mapping: field names in lowerCamelCase, unknown fields ignored, ids as hex, 64-bit
 * integers as decimal strings or numbers, enums as their numbers. A span that cannot be read is
 * rejected alone (the answer's partial success counts it); the rest of the batch is kept.
 */

const AnyValueSchema: z.ZodType<WireValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: z.union([z.string().regex(/^-?\d+$/), z.number().int()]).optional(),
    doubleValue: z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]).optional(),
    bytesValue: z.string().optional(),
    arrayValue: z.object({ values: z.array(AnyValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(KeyValueSchema).optional() }).optional(),
  }),
);
interface WireValue {
  stringValue?: string | undefined;
  boolValue?: boolean | undefined;
  intValue?: string | number | undefined;
  doubleValue?: number | 'NaN' | 'Infinity' | '-Infinity' | undefined;
  bytesValue?: string | undefined;
  arrayValue?: { values?: WireValue[] | undefined } | undefined;
  kvlistValue?: { values?: { key: string; value?: WireValue | undefined }[] | undefined } | undefined;
}
const KeyValueSchema = z.object({ key: z.string(), value: AnyValueSchema.optional() });
const AttributeListSchema = z.array(KeyValueSchema).optional();

// A JSON number past 2^53 has already lost its last digits; what is left is kept, in whole nanoseconds.
const Nanos = z.union([z.string().regex(/^\d{1,20}$/), z.number().nonnegative().transform((n) => BigInt(Math.round(n)).toString())]).transform(String);
const lower = (s: string) => s.toLowerCase();
const TraceId = z.string().transform(lower).pipe(TraceIdSchema);
const SpanId = z.string().transform(lower).pipe(SpanIdSchema);

const WireSpanSchema = z.object({
  traceId: TraceId,
  spanId: SpanId,
  // Empty for a root span.
  parentSpanId: z.union([z.literal(''), SpanId]).optional(),
  name: z.string(),
  kind: z.number().int().min(0).max(5).optional(),
  startTimeUnixNano: Nanos,
  endTimeUnixNano: Nanos,
  attributes: AttributeListSchema,
  links: z.array(z.object({ traceId: TraceId, spanId: SpanId, attributes: AttributeListSchema })).optional(),
  status: z.object({ code: z.number().int().min(0).max(2).optional(), message: z.string().optional() }).optional(),
});

/** The envelope is read strictly enough to know where spans are; the spans one by one. */
const RequestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: AttributeListSchema }).optional(),
        scopeSpans: z.array(z.object({ spans: z.array(z.unknown()).optional() })).optional(),
      }),
    )
    .optional(),
});

export interface ReadExport {
  readonly spans: SpanRecord[];
  readonly rejected: number;
  /** What was wrong with the first rejected span, for the answer's partial success. */
  readonly firstError: string | null;
}

export class OtlpRequestError extends Error {
  readonly code = 'E_OTLP_REQUEST';
}

function valueOf(v: WireValue | undefined): AttributeValue {
  if (v === undefined) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    // A 64-bit integer beyond a double's exact range stays text rather than silently changing.
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  // NaN and the infinities come as their names, and stay so: JSON has no number for them.
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(valueOf);
  if (v.kvlistValue !== undefined) return attributesOf(v.kvlistValue.values);
  return null;
}

function attributesOf(list: readonly { key: string; value?: WireValue | undefined }[] | undefined): Record<string, AttributeValue> {
  // A null-prototype object: a key such as "__proto__" stays a key.
  const out: Record<string, AttributeValue> = Object.create(null) as Record<string, AttributeValue>;
  for (const kv of list ?? []) out[kv.key] = valueOf(kv.value);
  return out;
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(span)'}: ${issue.message}` : 'invalid span';
}

function recordOf(raw: unknown, service: string): { ok: true; span: SpanRecord } | { ok: false; error: string } {
  const wire = WireSpanSchema.safeParse(raw);
  if (!wire.success) return { ok: false, error: issueText(wire.error) };
  const s = wire.data;
  const durationNs = BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano);
  // Built from what the schema above checked; not parsed again, which would drop an attribute named "__proto__".
  const span: SpanRecord = {
    traceId: s.traceId,
    spanId: s.spanId,
    // OTLP's empty parent means a root span.
    parentSpanId: s.parentSpanId ? s.parentSpanId : null,
    name: s.name,
    kind: SPAN_KINDS[s.kind ?? 0]!,
    service,
    startTimeUnixNano: s.startTimeUnixNano,
    endTimeUnixNano: s.endTimeUnixNano,
    durationMs: Number(durationNs) / 1e6,
    attributes: { ...attributesOf(s.attributes) },
    links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: { ...attributesOf(l.attributes) } })),
    status: { code: STATUS_CODES[s.status?.code ?? 0]!, ...(s.status?.message ? { message: s.status.message } : {}) },
  };
  return { ok: true, span };
}

/** Reads a parsed JSON body; throws OtlpRequestError when it is not an export request at all. */
export function readTraceExport(body: unknown): ReadExport {
  const parsed = RequestSchema.safeParse(body);
  if (!parsed.success) throw new OtlpRequestError(`not an OTLP ExportTraceServiceRequest: ${parsed.error.issues[0]?.path.join('.') || '(body)'}: ${parsed.error.issues[0]?.message}`);
  const spans: SpanRecord[] = [];
  let rejected = 0;
  let firstError: string | null = null;
  for (const rs of parsed.data.resourceSpans ?? []) {
    const name = attributesOf(rs.resource?.attributes)['service.name'];
    const service = typeof name === 'string' && name !== '' ? name : 'unknown_service';
    for (const ss of rs.scopeSpans ?? []) {
      for (const raw of ss.spans ?? []) {
        const r = recordOf(raw, service);
        if (r.ok) spans.push(r.span);
        else {
          rejected++;
          firstError ??= r.error;
        }
      }
    }
  }
  return { spans, rejected, firstError };
}
