import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** One span as an OTLP/HTTP JSON export carries it, flattened with its service's name. */
export interface ReceivedSpan {
  readonly service: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
  readonly links: readonly { traceId: string; spanId: string }[];
  readonly events: readonly { name: string; attributes: Record<string, unknown> }[];
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  readonly status: number;
}

/** A collector stand-in on port 0: takes OTLP/HTTP JSON on /v1/traces and keeps every span. */
export interface OtlpReceiver {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT names. */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** Every export's body as it arrived, for checks that no secret is in any of it. */
  readonly bodies: string[];
  close(): Promise<void>;
}

/** An OTLP attribute value: the kinds the gateway's spans carry. */
const AnyValueSchema = z.object({
  stringValue: z.string().optional(),
  intValue: z.union([z.string(), z.number()]).optional(),
  doubleValue: z.number().optional(),
  boolValue: z.boolean().optional(),
});
type AnyValue = z.infer<typeof AnyValueSchema>;

function valueOf(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue;
}

const WireAttributesSchema = z.array(z.object({ key: z.string(), value: AnyValueSchema }));

function attributesOf(list: z.infer<typeof WireAttributesSchema> | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]));
}

/** The part of an OTLP/JSON export body this receiver reads, parsed where it arrives. */
const WireBodySchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: WireAttributesSchema.optional() }).optional(),
        scopeSpans: z
          .array(
            z.object({
              spans: z
                .array(
                  z.object({
                    name: z.string(),
                    traceId: z.string(),
                    spanId: z.string(),
                    parentSpanId: z.string().optional(),
                    kind: z.number(),
                    attributes: WireAttributesSchema.optional(),
                    links: z.array(z.object({ traceId: z.string(), spanId: z.string() })).optional(),
                    events: z.array(z.object({ name: z.string(), attributes: WireAttributesSchema.optional() })).optional(),
                    status: z.object({ code: z.number().optional() }).optional(),
                  }),
                )
                .optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const text = Buffer.concat(chunks).toString('utf8');
        bodies.push(text);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const checked = WireBodySchema.safeParse(parsed);
        // A body that is not an OTLP/JSON export is refused, as a collector would, and kept nowhere.
        if (!checked.success) return void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: checked.error.message }));
        const body = checked.data;
        for (const rs of body.resourceSpans ?? []) {
          const service = String(attributesOf(rs.resource?.attributes)['service.name']);
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({ service, name: s.name, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', kind: s.kind, attributes: attributesOf(s.attributes), links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })), events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attributesOf(e.attributes) })), status: s.status?.code ?? 0 });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, spans, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
