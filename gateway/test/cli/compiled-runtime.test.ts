import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** bin/compiled.js: the compiled build is run only while no source file is newer than it. */
const { compiledEntryIn } = require('../../../bin/compiled.js') as {
  compiledEntryIn: (root: string, entry: string, env?: Record<string, string | undefined>) => string | null;
};

const ENTRY = 'gateway/src/cli/main';
let root: string;

function write(rel: string, text: string, mtimeSec: number): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.utimesSync(file, mtimeSec, mtimeSec);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-compiled-'));
  write('gateway/src/cli/main.ts', 'export {}', 1_000);
  write('acl/catalog/product-read.jsonata', '$', 1_000);
  write('dist/gateway/src/cli/main.js', '', 2_000);
  write('dist/.build-stamp', '', 2_000);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('a complete build newer than every source is run', () => {
  expect(compiledEntryIn(root, ENTRY, {})).toBe(path.join(root, 'dist', `${ENTRY}.js`));
});

test('a source edited after the build sends the command back to the sources', () => {
  write('gateway/src/routing/match.ts', 'export {}', 3_000);
  expect(compiledEntryIn(root, ENTRY, {})).toBeNull();
});

test('an edited mapping file makes the build stale too (it is copied into dist/)', () => {
  write('acl/catalog/product-read.jsonata', '$$', 3_000);
  expect(compiledEntryIn(root, ENTRY, {})).toBeNull();
});

test('an edited platform file makes the build stale, a db/ folder included (parts keep code there)', () => {
  write('platform/db/open-database.ts', 'export {}', 3_000);
  expect(compiledEntryIn(root, ENTRY, {})).toBeNull();
});

test('an edited database module of a service makes the build stale', () => {
  write('new-services/orders/src/db/migrate.ts', 'export {}', 3_000);
  expect(compiledEntryIn(root, ENTRY, {})).toBeNull();
});

test('the MySQL test kit edited after the build does not make it stale (it is not built)', () => {
  write('platform/test-kit/mysql.ts', 'export {}', 3_000);
  expect(compiledEntryIn(root, ENTRY, {})).not.toBeNull();
});

test('tests and fixtures edited after the build do not make it stale (they are not built)', () => {
  write('gateway/test/cli/some.test.ts', '', 3_000);
  write('acl/catalog/fixtures/product-read/one.json', '{}', 3_000);
  write('gateway/src/cli/other.test.ts', '', 3_000);
  expect(compiledEntryIn(root, ENTRY, {})).not.toBeNull();
});

test('a build without its stamp (tsc or the copy failed) is never run', () => {
  fs.rmSync(path.join(root, 'dist', '.build-stamp'));
  expect(compiledEntryIn(root, ENTRY, {})).toBeNull();
});

test('no build at all runs the sources', () => {
  fs.rmSync(path.join(root, 'dist'), { recursive: true });
  expect(compiledEntryIn(root, ENTRY, {})).toBeNull();
});

test('STRANGLER_RUN_SOURCES=1 runs the sources even with a fresh build', () => {
  expect(compiledEntryIn(root, ENTRY, { STRANGLER_RUN_SOURCES: '1' })).toBeNull();
});
