import path from 'node:path';
import { assembleTraces } from '../../src/cli/trace-assemble';
import { formatMs, formatTraces, traceJson } from '../../src/cli/trace-format';
import { readTraceSpans } from '../../src/cli/trace-read';
import type { SpanRecord } from '../../src/observability/span-record';

/** The waterfall of the fixture trace: a retried try, the monolith under the try that answered, a linked shadow copy, an orphan. */

const FIXTURE = path.join(__dirname, 'fixtures/traces.jsonl');

const EXPECTED = `trace 4bf92f3577b34da6a3ce929d0e0e4736  ·  8 spans  ·  40.00 ms  ·  services: gateway, legacy-monolith, catalog  ·  request fix-1
|██████████████████████████████|  40.00 ms  gateway          GET v2.products  path=/api/v2/products/* status=200 mode=shadow route=v2.products
|█████                         |   5.00 ms  gateway            try  status=503 server=127.0.0.1 attempt=1 ERROR 503 from monolith
|       ████████████████       |  20.00 ms  gateway            try  status=200 server=127.0.0.1 attempt=2 backoff_ms=4
|         ████████████         |  16.00 ms  legacy-monolith      GET  path=/api/products/2 status=200
|          ██                  |   2.00 ms  legacy-monolith        SELECT sqlite
|                       ███████|   8.00 ms  gateway            shadow copy  shadow.verdict=match linked to try (gateway, c000000000000003)
|                        █████ |   6.00 ms  catalog              GET  path=/products/2 status=200
|                        ██    |   1.00 ms  catalog          SELECT sqlite  (parent deadbeefdeadbeef not in the file)
`;

describe('the trace waterfall', () => {
  it('prints the fixture trace as its tree across the processes', async () => {
    const read = await readTraceSpans(FIXTURE, 'fix-1');
    expect(formatTraces(assembleTraces(read.spans))).toBe(EXPECTED);
  });

  it('keeps stored text from driving the terminal, and cuts long values', () => {
    const span: SpanRecord = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: 'a000000000000001',
      parentSpanId: null,
      name: 'GET\u001b[2J',
      kind: 'server',
      service: 'svc\nfake line',
      startTimeUnixNano: '0',
      endTimeUnixNano: '0',
      durationMs: 0,
      attributes: { 'strangler.note': 'y'.repeat(100), 'strangler.request_id': 'r-1', 'strangler.parts': ['a', 1] },
      links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b000000000000002', attributes: {} }],
      status: { code: 'unset' },
    };
    const text = formatTraces(assembleTraces([span]));
    expect(text.split('\n')).toHaveLength(3);
    expect(text).not.toContain('\u001b');
    expect(text).toContain(`note=${'y'.repeat(59)}…`);
    expect(text).toContain('parts=["a",1]');
    // The request id is in the header, not repeated on the line; a zero-length trace fills the bar.
    expect(text).toContain('request r-1\n|██████████████████████████████|  0.00 ms  svc fake line  GET [2J  note=');
    expect(text).toContain('linked to trace 0af7651916cd43dd8448eb211c80319c span b000000000000002');
  });

  it('gives the same traces as data, in waterfall order with depths', async () => {
    const read = await readTraceSpans(FIXTURE, 'fix-1');
    const json = traceJson(assembleTraces(read.spans), FIXTURE) as { traces: { traceId: string; durationMs: number; spans: { depth: number; name: string; parentMissing: boolean }[] }[] };
    expect(json.traces.map((t) => [t.traceId, t.durationMs])).toEqual([['4bf92f3577b34da6a3ce929d0e0e4736', 40]]);
    expect(json.traces[0]!.spans.map((s) => [s.depth, s.name, s.parentMissing])).toEqual([
      [0, 'GET v2.products', false],
      [1, 'try', false],
      [1, 'try', false],
      [2, 'GET', false],
      [3, 'SELECT sqlite', false],
      [1, 'shadow copy', false],
      [2, 'GET', false],
      [0, 'SELECT sqlite', true],
    ]);
  });

  it('formats durations to the hundredth of a millisecond', () => {
    expect([formatMs(0.004), formatMs(12.345), formatMs(1500)]).toEqual(['0.00 ms', '12.35 ms', '1500.00 ms']);
  });
});
