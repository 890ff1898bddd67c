import { spawn } from 'node:child_process';
import path from 'node:path';

/** `strangler … | head`: a reader that goes away early ends the command quietly, never with an EPIPE stack trace. */

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');

it('output to a closed pipe ends quietly', async () => {
  const child = spawn(process.execPath, [BIN, 'routes', 'schema'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  // The reader leaves before the CLI has written anything (loading it takes far longer than this line), as `head` does once it has its lines.
  child.stdout.destroy();
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
  expect(stderr).toBe('');
  expect([code, signal]).toEqual([0, null]);
});
