import { EventEmitter } from 'node:events';
import { installLastResort } from '../../src/observability/last-resort';
import { createMetrics } from '../../src/observability/metrics';

/** The handlers are installed on a stand-in process, so that the test runner's own handlers are untouched. */
function fakeProcess(): NodeJS.Process {
  return new EventEmitter() as unknown as NodeJS.Process;
}

describe('the last-resort handlers', () => {
  it('log and count an unhandled rejection and an uncaught exception, and keep the process', async () => {
    const target = fakeProcess();
    const lines: { message: string; meta: Record<string, unknown> }[] = [];
    const metrics = createMetrics({ defaultMetrics: false });
    const uninstall = installLastResort(target, { error: ((message: string, meta: Record<string, unknown>) => lines.push({ message, meta })) as never }, metrics);

    target.emit('unhandledRejection', new RangeError('boom'), Promise.resolve());
    target.emit('uncaughtException', new TypeError('bang'));
    target.emit('unhandledRejection', 'a string', Promise.resolve());

    expect(lines.map((l) => [l.message.split(' (')[0], l.meta['error'], l.meta['detail']])).toEqual([
      ['unhandled rejection', 'RangeError', 'boom'],
      ['uncaught exception', 'TypeError', 'bang'],
      ['unhandled rejection', 'string', 'a string'],
    ]);
    expect(lines[0]!.meta['stack']).toContain('RangeError: boom');
    const text = await metrics.registry.metrics();
    expect(text).toContain('strangler_process_errors_total{kind="unhandled-rejection"} 2');
    expect(text).toContain('strangler_process_errors_total{kind="uncaught-exception"} 1');

    uninstall();
    expect(target.listenerCount('unhandledRejection')).toBe(0);
    expect(target.listenerCount('uncaughtException')).toBe(0);
  });
});
