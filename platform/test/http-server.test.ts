import http from 'node:http';
import { startHttpServer, type Logger } from '../index';

function recorder(lines: Array<[string, Record<string, unknown> | undefined]>): Logger {
  return { info: (m, meta) => lines.push([m, meta]), warn: () => undefined, error: () => undefined };
}

/** A GET over a kept-alive agent; resolves with the body, or the error that cut it. */
function get(url: string, agent: http.Agent): Promise<string | Error> {
  return new Promise((resolve) => {
    http
      .get(url, { agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
        res.on('error', resolve);
      })
      .on('error', resolve);
  });
}

describe('startHttpServer', () => {
  it('listens on a free port and says so in one line with its url', async () => {
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    const running = await startHttpServer({ listener: (_req, res) => res.end('ok'), host: '127.0.0.1', port: 0, logger: recorder(lines), name: 'catalog' });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines).toEqual([['catalog listening', { url: running.url }]]);
    } finally {
      await running.close();
    }
  });

  it('close() is not held up by an idle kept-alive connection', async () => {
    const running = await startHttpServer({ listener: (_req, res) => res.end('ok'), host: '127.0.0.1', port: 0, logger: recorder([]), name: 's' });
    const agent = new http.Agent({ keepAlive: true });
    expect(await get(`${running.url}/`, agent)).toBe('ok');
    await running.close();
    agent.destroy();
  });

  it('a request in progress is answered during the drain; one that never ends is cut when the drain is over', async () => {
    let release: () => void = () => undefined;
    const started: Array<() => void> = [];
    const running = await startHttpServer({
      listener: (req, res) => {
        if (req.url === '/slow') {
          release = () => res.end('finished');
          started.shift()?.();
        } else {
          started.shift()?.();
        }
      },
      host: '127.0.0.1',
      port: 0,
      logger: recorder([]),
      name: 's',
      drainMs: 200,
    });
    const agent = new http.Agent({ keepAlive: true });
    const inStart = new Promise<void>((resolve) => started.push(resolve));
    const slow = get(`${running.url}/slow`, agent);
    await inStart;
    const hungStart = new Promise<void>((resolve) => started.push(resolve));
    const hung = get(`${running.url}/hang`, agent);
    await hungStart;
    const closed = running.close();
    release();
    expect(await slow).toBe('finished');
    expect(await hung).toMatchObject({ code: 'ECONNRESET' });
    await closed;
    agent.destroy();
  });

  it('a taken port rejects', async () => {
    const first = await startHttpServer({ listener: (_req, res) => res.end(), host: '127.0.0.1', port: 0, logger: recorder([]), name: 'a' });
    const port = Number(new URL(first.url).port);
    try {
      await expect(startHttpServer({ listener: (_req, res) => res.end(), host: '127.0.0.1', port, logger: recorder([]), name: 'b' })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
