import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/** The floors SECURITY.md lists, read from its table so the page and the check cannot drift. */
function floors(): [string, string][] {
  const text = readFileSync(path.join(ROOT, 'SECURITY.md'), 'utf8');
  const section = text.slice(text.indexOf('## Dependency floors'));
  return [...section.matchAll(/^\| ([a-z@/.-]+) \| (\d+\.\d+\.\d+) \|/gm)].map((m) => [m[1] as string, m[2] as string]);
}

function compare(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

describe('dependency floors from SECURITY.md', () => {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };

  it('lists the floors the issue names', () => {
    expect(floors().map(([name]) => name)).toEqual(['http-proxy-middleware', 'path-to-regexp', 'jsonata', 'axios']);
  });

  it.each(floors())('every installed copy of %s is at least %s', (name, min) => {
    const installed = Object.entries(lock.packages)
      .filter(([key]) => key === `node_modules/${name}` || key.endsWith(`/node_modules/${name}`))
      .map(([, v]) => v.version as string);
    for (const version of installed) expect(compare(version, min)).toBeGreaterThanOrEqual(0);
  });
});
