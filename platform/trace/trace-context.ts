/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/), parsed by hand: it runs for every
 * request of every process, and a malformed value must be told apart without throwing.
 */

/** An incoming `traceparent`, valid by the spec's rules. */
export interface TraceParent {
  /** 32 lower-case hex digits, not all zero. */
  readonly traceId: string;
  /** The caller's span: 16 lower-case hex digits, not all zero. */
  readonly parentId: string;
  /** Two hex digits; bit 0 is `sampled`. */
  readonly flags: string;
}

const VERSION_00_LENGTH = 55;

/**
 * The `traceparent` value when it is valid, else null. Version `ff` is invalid; version 00 is
 * exactly 55 characters; a later version is read by its first four fields (and must continue
 * with `-` past them), as the spec tells a version-00 parser to. Hex must be lower case; ids of
 * all zeros are invalid. A repeated header (an array) is invalid: which one to believe is unknown.
 */
export function parseTraceparent(value: string | readonly string[] | undefined): TraceParent | null {
  if (typeof value !== 'string' || value.length < VERSION_00_LENGTH) return null;
  if (value.charCodeAt(2) !== 45 || value.charCodeAt(35) !== 45 || value.charCodeAt(52) !== 45) return null;
  const version = value.slice(0, 2);
  if (!isHex(version, 0, 2) || version === 'ff') return null;
  if (version === '00' ? value.length !== VERSION_00_LENGTH : value.length > VERSION_00_LENGTH && value.charCodeAt(VERSION_00_LENGTH) !== 45) return null;
  if (!isHex(value, 3, 35) || !isHex(value, 36, 52) || !isHex(value, 53, 55)) return null;
  const traceId = value.slice(3, 35);
  const parentId = value.slice(36, 52);
  if (isZero(traceId) || isZero(parentId)) return null;
  return { traceId, parentId, flags: value.slice(53, 55) };
}

/** `traceparent` as this version of the spec writes it. */
export function formatTraceparent(traceId: string, spanId: string, flags: string): string {
  return `00-${traceId}-${spanId}-${flags}`;
}

/** True when the flags carry `sampled`. */
export function isSampled(flags: string): boolean {
  return (parseInt(flags, 16) & 1) === 1;
}

const MAX_TRACESTATE_MEMBERS = 32;
const MAX_TRACESTATE_LENGTH = 512;
const MEMBER = /^(?:[a-z][_0-9a-z\-*/]{0,255}|[a-z0-9][_0-9a-z\-*/]{0,240}@[a-z][_0-9a-z\-*/]{0,13})=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/**
 * The `tracestate` value to pass on, or null: it is vendor data the gateway does not read, so it
 * is passed whole when every member is well-formed (at most 32, 512 characters in all) and dropped
 * otherwise, rather than repaired. Repeated headers are joined, as the spec says they combine.
 */
export function parseTracestate(value: string | readonly string[] | undefined): string | null {
  if (value === undefined) return null;
  const text = typeof value === 'string' ? value : value.join(',');
  if (text.length === 0 || text.length > MAX_TRACESTATE_LENGTH) return null;
  const members = text.split(',');
  if (members.length > MAX_TRACESTATE_MEMBERS) return null;
  const kept: string[] = [];
  for (const raw of members) {
    const member = raw.trim();
    if (member === '') continue;
    if (!MEMBER.test(member)) return null;
    kept.push(member);
  }
  return kept.length > 0 ? kept.join(',') : null;
}

function isHex(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function isZero(hex: string): boolean {
  for (let i = 0; i < hex.length; i++) if (hex.charCodeAt(i) !== 48) return false;
  return true;
}
