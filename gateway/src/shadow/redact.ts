import type { ComparedAnswer, Difference, SampledRequest, ShadowSample } from './types';

/** Headers whose values are credentials wherever they appear. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);
/** Any other header whose name says it carries one (x-auth-token, x-session-id, x-client-secret…). */
const SECRET_NAME = /token|secret|password|session/i;

export const REDACTED = '[redacted]';

/** How much of each answer's body a stored sample keeps; samples are evidence to read, not archives. */
export const DEFAULT_SAMPLE_BODY_BYTES = 16 * 1024;
/** A sample lists at most this many differences: enough to see the shape of the mismatch. */
const MAX_SAMPLE_DIFFERENCES = 200;

export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADERS.has(name.toLowerCase()) || SECRET_NAME.test(name) ? REDACTED : value;
  return out;
}

/**
 * A body as stored: unchanged when its JSON fits the cap, else the beginning of its text and the
 * answer marked truncated (the report must not pretend a cut body is what was compared).
 */
function capAnswer(answer: ComparedAnswer, capBytes: number): ComparedAnswer {
  const headers = redactHeaders(answer.headers);
  // Named one by one: a model may parse its body when read (compare.ts), so there is nothing to spread.
  const { status, truncated, ms, body } = answer;
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? 'null');
  if (Buffer.byteLength(text) <= capBytes) return { status, headers, body, truncated, ms };
  // Cut by characters, then by bytes for multi-byte text, so the stored prefix is within the cap.
  let cut = text.slice(0, capBytes);
  while (Buffer.byteLength(cut) > capBytes) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  return { status, headers, body: cut, truncated: true, ms };
}

/** Query parameters are credentials too when their names say so (?access_token=…, ?api_key=…). */
const SECRET_PARAM = /token|secret|password|session|api[-_]?key|auth/i;

function redactPath(path: string): string {
  const q = path.indexOf('?');
  if (q < 0) return path;
  const params = path
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && SECRET_PARAM.test(safeDecode(name)) ? `${name}=${REDACTED}` : pair;
    });
  return `${path.slice(0, q)}?${params.join('&')}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function redactRequest(request: SampledRequest): SampledRequest {
  return { method: request.method, path: redactPath(request.path), headers: redactHeaders(request.headers) };
}

/** A sample ready to store: secrets in every header map redacted, bodies and the list of differences capped. */
export function storableSample(sample: ShadowSample, bodyCapBytes = DEFAULT_SAMPLE_BODY_BYTES): ShadowSample {
  const differences: readonly Difference[] = sample.differences.slice(0, MAX_SAMPLE_DIFFERENCES);
  return {
    at: sample.at,
    request: redactRequest(sample.request),
    legacy: capAnswer(sample.legacy, bodyCapBytes),
    new: capAnswer(sample.new, bodyCapBytes),
    differences,
  };
}

/** A translation-failure sample ready to store: the request's secrets redacted (legacy's body is capped when taken). */
export function redactedFailureSample<S extends { readonly request: SampledRequest }>(sample: S): S {
  return { ...sample, request: redactRequest(sample.request) };
}
