import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChild, stopChild } from '../../src/cli/children';

/** `strangler up` learns a child's address from its JSON log line, parsed: other lines, and lines of another shape, pass by. */

const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-children-'));

function script(lines: readonly string[]): string {
  const file = path.join(dir, `child-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(file, `${lines.map((l) => `console.log(${JSON.stringify(l)});`).join('\n')}\nsetInterval(() => undefined, 1000);\n`);
  return file;
}

it('resolves with the url of the listening line, past plain text and lines of another shape; a null adminUrl is no adminUrl', async () => {
  const entry = script([
    'starting up',
    JSON.stringify({ message: 'svc listening', url: 42 }),
    JSON.stringify({ message: 'other', url: 'http://127.0.0.1:1' }),
    JSON.stringify({ message: 'svc listening', url: 'http://127.0.0.1:4001', adminUrl: null }),
  ]);
  const child = startChild('svc', entry, [], process.env, 'svc listening');
  try {
    await expect(child.listening).resolves.toEqual({ url: 'http://127.0.0.1:4001' });
  } finally {
    await stopChild(child);
  }
}, 20_000);

it('passes an adminUrl on when the line has one', async () => {
  const entry = script([JSON.stringify({ message: 'gateway listening', url: 'http://127.0.0.1:8080', adminUrl: 'http://127.0.0.1:9090', routes: 3 })]);
  const child = startChild('gateway', entry, [], process.env, 'gateway listening');
  try {
    await expect(child.listening).resolves.toEqual({ url: 'http://127.0.0.1:8080', adminUrl: 'http://127.0.0.1:9090' });
  } finally {
    await stopChild(child);
  }
}, 20_000);
