import { PassThrough } from 'node:stream';
import { createJsonLogger } from '../index';

/** The lines a logger writes, once it has written `count`. */
function linesOf(stream: PassThrough, count: number): Promise<string[]> {
  const lines: string[] = [];
  let buffered = '';
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length >= count) resolve(lines);
    });
  });
}

describe('createJsonLogger: the one log format', () => {
  it('one JSON object per line: message first, the fields in their order, then level and timestamp', async () => {
    const stream = new PassThrough();
    const lines = linesOf(stream, 1);
    createJsonLogger({ stream }).info('catalog listening', { url: 'http://127.0.0.1:4001', zeta: 1, alpha: 2 });
    const [line] = await lines;
    expect(line).toMatch(/^\{"message":"catalog listening","url":"http:\/\/127\.0\.0\.1:4001","zeta":1,"alpha":2,"level":"info","timestamp":"\d{4}-\d\d-\d\dT[\d:.]+Z"\}$/);
  });

  it('a value JSON cannot write (a BigInt, a cycle) still gets its line, in the same order', async () => {
    const stream = new PassThrough();
    const lines = linesOf(stream, 1);
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    createJsonLogger({ stream }).warn('odd values', { big: 10n, cycle });
    const [line] = await lines;
    expect(line).toMatch(/^\{"message":"odd values","big":10,"cycle":\{"name":"loop","self":"\[Circular\]"\},"level":"warn",/);
  });

  it('drops what is below its level', async () => {
    const stream = new PassThrough();
    const lines = linesOf(stream, 1);
    const logger = createJsonLogger({ stream, level: 'warn' });
    logger.info('not written');
    logger.warn('written');
    expect(JSON.parse((await lines)[0] ?? '')).toMatchObject({ message: 'written', level: 'warn' });
  });
});
