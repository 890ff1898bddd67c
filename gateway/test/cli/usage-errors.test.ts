import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Every usage mistake exits 2 with one line, whichever command and whoever (commander or our parsers) notices it. */

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/strangler.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'strangler-usage-'));

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, STRANGLER_DATA_DIR: dir }, timeout: 20_000 });
}

describe('usage errors', () => {
  it.each([
    [['routes', 'frob']],
    [['gateway', '--bogus']],
    [['up', '--bogus']],
    [['backfill']],
    [['backfill', 'nope']],
    [['routes', 'validate', 'a.json', 'b.json']],
    [['shadow', 'report', '--since', 'yesterday']],
    [['nonsense']],
  ])('%j exits 2', (args) => {
    const r = cli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('explain refuses a path without its leading slash, saying so', () => {
    const r = cli(['routes', 'explain', 'GET', 'api/x']);
    expect([r.status, r.stderr]).toEqual([2, 'strangler: "api/x" is not a request path: the path must start with / (e.g. /api/x)\n']);
  });

  it('explain refuses a method no route can take', () => {
    const r = cli(['routes', 'explain', 'FETCH', '/x']);
    expect([r.status, r.stderr]).toEqual([2, 'strangler: "FETCH" is not an HTTP method a route can take: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\n']);
  });

  it('validate says "no such file" for a missing table', () => {
    const r = cli(['routes', 'validate', 'missing.json']);
    expect([r.status, r.stderr]).toEqual([1, 'missing.json: route table refused, 1 error:\n  missing.json: no such file\n']);
  });

  it('validate counts in words that agree with the number', () => {
    const file = path.join(dir, 'one.json');
    writeFileSync(file, JSON.stringify({ upstreams: { legacy: { url: 'http://127.0.0.1:3000' } }, routes: [{ id: 'all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } }] }));
    expect(cli(['routes', 'validate', file]).stdout).toBe(`${file}: ok, 1 route, 1 upstream\n`);
  });

  it('validate reports a four-fault table in one run', () => {
    const file = path.join(dir, 'four.json');
    const route = (id: string, p: string, extra: Record<string, unknown> = {}) => ({ id, path: p, mode: 'legacy', legacy: { upstream: 'legacy' }, ...extra });
    const routes = [route('a', '/a/*', { methodz: ['GET'] }), route('b', '/b', { mode: 'sideways' }), route('c', '/c/*'), route('c', '/d'), route('e', '/c/*'), route('all', '/*')];
    writeFileSync(file, JSON.stringify({ upstreams: { legacy: { url: 'http://127.0.0.1:3000' } }, routes }));
    const r = cli(['routes', 'validate', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('route table refused, 4 errors:');
    expect(r.stderr).toContain('routes[0].methodz: unknown key "methodz" (did you mean "methods"?)');
    expect(r.stderr).toContain('routes[1].mode: ');
    expect(r.stderr).toContain('routes[3].id: duplicate route id "c"');
    expect(r.stderr).toContain('routes[4]: route "e" is unreachable');
  });
});
