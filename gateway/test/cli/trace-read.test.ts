import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../src/cli/options';
import { lookupOf, readTraceSpans, TracesFileMissing } from '../../src/cli/trace-read';

/** Finding a request's spans in traces.jsonl: by trace id or request id, whole traces, unreadable lines named. */

const FIXTURE = path.join(__dirname, 'fixtures/traces.jsonl');
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('lookupOf', () => {
  it('takes a trace id in any case and a request id as it is', () => {
    expect(lookupOf(TRACE.toUpperCase())).toBe(TRACE);
    expect(lookupOf('Req-1.a:b_c')).toBe('Req-1.a:b_c');
  });

  it('refuses what can be neither as a usage error', () => {
    for (const bad of ['', 'a b', 'x'.repeat(129), '"quoted"', 'semi;colon']) expect(() => lookupOf(bad)).toThrow(UsageError);
  });
});

describe('readTraceSpans', () => {
  it('finds the whole trace from a request id, spans without the id included', async () => {
    const read = await readTraceSpans(FIXTURE, 'fix-1');
    expect(read.spans.map((s) => s.spanId).sort()).toEqual(
      ['1000000000000007', '2000000000000008', 'a000000000000001', 'b000000000000002', 'c000000000000003', 'd000000000000004', 'e000000000000005', 'f000000000000006'],
    );
    expect(new Set(read.spans.map((s) => s.traceId))).toEqual(new Set([TRACE]));
  });

  it('finds the same trace from its trace id', async () => {
    const byTrace = await readTraceSpans(FIXTURE, TRACE);
    const byRequest = await readTraceSpans(FIXTURE, 'fix-1');
    expect(byTrace.spans).toEqual(byRequest.spans);
  });

  it('names a line of the trace that is not a span, by its number, and reads on', async () => {
    const read = await readTraceSpans(FIXTURE, TRACE);
    expect(read.skipped).toEqual([{ line: 7, problem: expect.stringMatching(/^not JSON/) }]);
  });

  it('says why a line is not a span by its JSON path', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-trace-read-'));
    const file = path.join(dir, 'traces.jsonl');
    writeFileSync(file, `${JSON.stringify({ traceId: TRACE, spanId: 'a000000000000001', parentSpanId: null, name: 'x', kind: 'server', service: 's', startTimeUnixNano: '1', endTimeUnixNano: '2', durationMs: 0, attributes: {}, links: [], status: { code: 'bad' } })}\n`);
    const read = await readTraceSpans(file, TRACE);
    expect(read.spans).toEqual([]);
    expect(read.skipped).toEqual([{ line: 1, problem: expect.stringMatching(/^status\.code: /) }]);
  });

  it('returns every trace a reused request id names', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-trace-read-'));
    const file = path.join(dir, 'traces.jsonl');
    const span = (traceId: string) => ({ traceId, spanId: 'a000000000000001', parentSpanId: null, name: 'x', kind: 'server', service: 's', startTimeUnixNano: '1', endTimeUnixNano: '2', durationMs: 0, attributes: { 'strangler.request_id': 'again' }, links: [], status: { code: 'unset' } });
    writeFileSync(file, [span(TRACE), span('0af7651916cd43dd8448eb211c80319c')].map((s) => JSON.stringify(s)).join('\n') + '\n');
    expect((await readTraceSpans(file, 'again')).spans.map((s) => s.traceId)).toEqual([TRACE, '0af7651916cd43dd8448eb211c80319c']);
  });

  it('finds nothing for an id the file does not hold, and says when there is no file', async () => {
    expect(await readTraceSpans(FIXTURE, 'fix-3')).toEqual({ spans: [], skipped: [] });
    // A request id that only appears inside another text is not a match.
    expect((await readTraceSpans(FIXTURE, 'fix')).spans).toEqual([]);
    await expect(readTraceSpans(path.join(os.tmpdir(), 'no-such-dir', 'traces.jsonl'), 'fix-1')).rejects.toThrow(TracesFileMissing);
  });
});
