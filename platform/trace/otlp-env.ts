import { parseKeyPairsIntoRecord } from '@opentelemetry/core';

/** Where and how spans are exported, read once from the standard OTEL_EXPORTER_OTLP_* variables. */
export interface OtlpExportConfig {
  readonly url: URL;
  /** Sent on every export, e.g. a backend's API key. */
  readonly headers: Readonly<Record<string, string>>;
  /** How long one export may take, sending and answer included. */
  readonly timeoutMs: number;
}

/** A variable that asks for what the exporter cannot do; thrown when tracing starts, naming it. */
export class OtlpConfigError extends Error {
  readonly code = 'E_OTLP_CONFIG';
}

/** What the OTLP exporter spec defaults to: a collector on this host, ten seconds per export. */
export const DEFAULT_TRACES_URL = 'http://localhost:4318/v1/traces';
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The exporter's configuration from the given environment (only the composition root passes
 * process.env), per the OTLP exporter spec: the signal's own variable wins over the general one;
 * the general endpoint gets `/v1/traces` added, the signal's is used as it is; header values are
 * URL-decoded. Only OTLP/HTTP with JSON bodies is spoken: another protocol is refused here rather
 * than ignored.
 */
export function otlpExportConfig(env: NodeJS.ProcessEnv): OtlpExportConfig {
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const protocol = env[name]?.trim();
    if (protocol) {
      if (protocol !== 'http/json') throw new OtlpConfigError(`${name} is "${protocol}": spans are exported as OTLP/HTTP JSON only; set it to http/json or unset it`);
      break;
    }
  }
  return { url: tracesUrl(env), headers: headersOf(env), timeoutMs: timeoutOf(env) };
}

function tracesUrl(env: NodeJS.ProcessEnv): URL {
  const own = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const [name, text] = own ? ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', own] : base ? ['OTEL_EXPORTER_OTLP_ENDPOINT', `${base.replace(/\/+$/, '')}/v1/traces`] : ['', DEFAULT_TRACES_URL];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OtlpConfigError(`${name} is not a URL: "${own || base}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OtlpConfigError(`${name} must be an http or https URL, not "${own || base}"`);
  return url;
}

function headersOf(env: NodeJS.ProcessEnv): Record<string, string> {
  // `k=v,k2=v2`, values URL-decoded, the signal's own headers winning: OpenTelemetry's own parser.
  return { ...parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_HEADERS), ...parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) };
}

function timeoutOf(env: NodeJS.ProcessEnv): number {
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT']) {
    const text = env[name]?.trim();
    if (!text) continue;
    const ms = Number(text);
    if (!Number.isFinite(ms) || ms <= 0) throw new OtlpConfigError(`${name} is "${text}": give the export timeout in milliseconds, a number above 0`);
    return ms;
  }
  return DEFAULT_TIMEOUT_MS;
}
