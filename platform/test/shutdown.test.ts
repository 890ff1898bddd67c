import { EventEmitter } from 'node:events';
import { closeOnSignals, type Logger } from '../index';

type Line = [string, Record<string, unknown> | undefined];

function recorder(lines: Line[]): Logger {
  return { info: (m, meta) => lines.push([m, meta]), warn: () => undefined, error: (m, meta) => lines.push([m, meta]) };
}

describe('closeOnSignals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s drains once and exits 0; a second signal changes nothing', async (signal) => {
    const signals = new EventEmitter();
    const lines: Line[] = [];
    let closes = 0;
    const exited = new Promise<number>((resolve) => {
      closeOnSignals({ logger: recorder(lines), name: 'orders', close: async () => void (closes += 1), exit: resolve, signals });
    });
    signals.emit(signal, signal);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(0);
    expect(closes).toBe(1);
    expect(lines).toEqual([['orders stopping', { signal }]]);
  });

  it('a failed close is logged and exits 1', async () => {
    const signals = new EventEmitter();
    const lines: Line[] = [];
    const exited = new Promise<number>((resolve) => {
      closeOnSignals({ logger: recorder(lines), name: 'catalog', close: () => Promise.reject(new Error('pool stuck')), exit: resolve, signals });
    });
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(1);
    expect(lines).toEqual([
      ['catalog stopping', { signal: 'SIGTERM' }],
      ['shutdown failed', { error: 'pool stuck' }],
    ]);
  });
});
