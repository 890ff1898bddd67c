import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The gateway's folders are layers, and imports only run downward (DESIGN.md): the bottom holds
 * what everything needs (problems, headers, methods), the top composes. A lower layer never
 * imports a higher one, not even for a type, so that a folder can be read, tested and changed
 * knowing only what lies beneath it. Folders on one level (translate, shadow) do not import each
 * other. This reads the import lines of every source file, so an upward import cannot come back.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['http'],
  ['config'],
  ['observability'],
  ['routing'],
  ['resilience'],
  ['pipeline'],
  ['forwarding'],
  ['translate', 'shadow'],
  ['control'],
  ['.'], // server.ts: the gateway's composition
  ['cli'],
];

const SRC = resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The folder of a gateway source file, relative to src ('.' for files directly in it). */
function folderOf(file: string): string {
  const rel = relative(SRC, dirname(file));
  return rel === '' ? '.' : (rel.split('/')[0] as string);
}

function levelOf(folder: string): number {
  const level = LAYERS.findIndex((l) => l.includes(folder));
  if (level === -1) throw new Error(`gateway/src/${folder} is not in the layer list: add it where it belongs`);
  return level;
}

/** Every relative module a file names: import/export … from, import(), require(). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/g)) specs.push(m[1] as string);
  for (const m of text.matchAll(/(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1] as string);
  return specs.filter((s) => s.startsWith('.'));
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly file: string;
  readonly spec: string;
}

function edges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) =>
    importsOf(file).flatMap((spec) => {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(SRC + '/')) return [];
      const from = folderOf(file);
      const to = folderOf(target + '.ts');
      return from === to ? [] : [{ from, to, file: relative(SRC, file), spec }];
    }),
  );
}

describe('gateway layers', () => {
  const all = edges();

  it('every folder of gateway/src has a place in the layer list', () => {
    const folders = new Set(sourceFiles(SRC).map(folderOf));
    for (const folder of folders) expect(() => levelOf(folder)).not.toThrow();
  });

  it('no import runs upward, nor across folders of one level', () => {
    const bad = all.filter((e) => levelOf(e.to) >= levelOf(e.from)).map((e) => `${e.file} imports ${e.spec} (${e.from} → ${e.to})`);
    expect(bad).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of all) (graph.get(e.from) ?? graph.set(e.from, new Set()).get(e.from)!).add(e.to);
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
      for (const next of graph.get(from) ?? []) {
        if (next === to) return true;
        if (!seen.has(next) && (seen.add(next), reaches(next, to, seen))) return true;
      }
      return false;
    };
    expect([...graph.keys()].filter((f) => reaches(f, f))).toEqual([]);
  });

  it('the check itself sees an upward import', () => {
    expect(levelOf('config')).toBeLessThan(levelOf('routing'));
    expect(importsOf(__filename)).toEqual([]);
    const sample = all.find((e) => e.from === 'cli' && e.to === 'config');
    expect(sample).toBeDefined();
  });
});
