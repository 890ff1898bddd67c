import { formatTraceparent, isSampled, newSpanId, newTraceId, parseTraceparent, parseTracestate } from '../index';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const VALID = `00-${TRACE}-${SPAN}-01`;

describe('parseTraceparent (W3C trace context)', () => {
  it('reads a valid version-00 value', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE, parentId: SPAN, flags: '01' });
  });

  it.each([
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['version 00 with a suffix', `${VALID}-extra`],
    ['too short', VALID.slice(0, 54)],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['wrong separators', `00_${TRACE}_${SPAN}_01`],
    ['non-hex flags', `00-${TRACE}-${SPAN}-0g`],
    ['non-hex version', `0x-${TRACE}-${SPAN}-01`],
    ['a later version running on without a dash', `01-${TRACE}-${SPAN}-01x`],
    ['nothing', undefined],
    ['a repeated header', [VALID, VALID]],
  ])('refuses %s', (_why, value) => {
    expect(parseTraceparent(value as string | string[] | undefined)).toBeNull();
  });

  it('tolerates a later version by its first four fields', () => {
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-03-what-comes-later`)).toEqual({ traceId: TRACE, parentId: SPAN, flags: '03' });
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-00`)).toEqual({ traceId: TRACE, parentId: SPAN, flags: '00' });
  });

  it('writes version 00, and reads the sampled bit', () => {
    expect(formatTraceparent(TRACE, SPAN, '01')).toBe(VALID);
    expect(isSampled('01')).toBe(true);
    expect(isSampled('03')).toBe(true);
    expect(isSampled('00')).toBe(false);
  });
});

describe('parseTracestate', () => {
  it('passes well-formed members on, joining repeated headers', () => {
    expect(parseTracestate('rojo=00f067aa0ba902b7, congo=t61rcWkgMzE')).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    expect(parseTracestate(['rojo=1', 'tenant@vendor=x'])).toBe('rojo=1,tenant@vendor=x');
  });

  it('drops a malformed value whole, or one too long', () => {
    expect(parseTracestate('Rojo=1')).toBeNull();
    expect(parseTracestate('rojo')).toBeNull();
    expect(parseTracestate('rojo=a,b=\x01')).toBeNull();
    expect(parseTracestate(Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(','))).toBeNull();
    expect(parseTracestate(`k=${'v'.repeat(600)}`)).toBeNull();
    expect(parseTracestate(undefined)).toBeNull();
  });
});

describe('ids', () => {
  it('are lower-case hex of the right length, and differ', () => {
    const traces = new Set(Array.from({ length: 2000 }, () => newTraceId()));
    const spans = new Set(Array.from({ length: 2000 }, () => newSpanId()));
    expect(traces.size).toBe(2000);
    expect(spans.size).toBe(2000);
    for (const t of traces) expect(t).toMatch(/^[0-9a-f]{32}$/);
    for (const s of spans) expect(s).toMatch(/^[0-9a-f]{16}$/);
  });
});
