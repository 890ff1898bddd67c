'use strict';
/**
 * Which code the `strangler` command runs: the compiled build in dist/ (made by `npm run build`)
 * when there is one at least as new as every source file, else the TypeScript sources through tsx.
 *
 * Compiled code is what a deployment runs and what the benchmark measures: tsx compiles with
 * esbuild's keepNames, which wraps every function a request creates in a naming call (about 13% of
 * the gateway's throughput). A source file edited after the build makes the build stale, and the
 * sources are run again, so an edit can never be silently ignored.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
/** Written by bin/build.js once tsc and the asset copy have both succeeded. */
const STAMP = path.join(DIST, '.build-stamp');
/** The folders the build compiles (tsconfig.build.json), minus what never ships. */
const SOURCE_DIRS = ['platform', 'gateway', 'acl', 'legacy-monolith', 'new-services', 'bench'];
const SKIPPED = new Set(['node_modules', 'dist', 'data', 'test', 'test-kit', 'fixtures', 'coverage']);
const SOURCE_FILE = /\.(ts|jsonata|json)$/;

/** The newest modification time (ms) of a source file under `dir`, or 0. */
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) newest = Math.max(newest, newestSource(full));
    } else if (SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

/** True when `root`/dist holds a complete build that no source file is newer than. */
function buildIsFresh(root) {
  let built;
  try {
    built = fs.statSync(path.join(root, 'dist', '.build-stamp')).mtimeMs;
  } catch {
    return false;
  }
  return SOURCE_DIRS.every((dir) => newestSource(path.join(root, dir)) <= built);
}

/**
 * The compiled file for a source entry (repo-relative, without extension) of the repository at
 * `root`, or null when the sources must run through tsx. `STRANGLER_RUN_SOURCES=1` always runs the sources.
 */
function compiledEntryIn(root, entry, env = process.env) {
  if (env.STRANGLER_RUN_SOURCES === '1') return null;
  const file = path.join(root, 'dist', `${entry}.js`);
  return fs.existsSync(file) && buildIsFresh(root) ? file : null;
}

/** compiledEntryIn for this repository. */
function compiledEntry(entry) {
  return compiledEntryIn(ROOT, entry);
}

module.exports = { compiledEntry, compiledEntryIn, ROOT, DIST, STAMP };
