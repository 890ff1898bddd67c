#!/usr/bin/env node
'use strict';
/**
 * `npm run build`: a clean dist/ compiled by tsc (tsconfig.build.json), the ACL's mapping files
 * copied beside their compiled registries, and then the stamp that tells bin/compiled.js the
 * build is complete. A failed step leaves no stamp, so a broken build is never run.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, DIST, STAMP } = require('./compiled');

function step(what) {
  process.stderr.write(`build: ${what}\n`);
}

step('removing dist/');
fs.rmSync(DIST, { recursive: true, force: true });

step('compiling TypeScript (tsc -p tsconfig.build.json)');
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('build: tsc failed; dist/ is incomplete and will not be run\n');
  process.exit(tsc.status ?? 1);
}

// The mappings are read at run time from the ACL's folder (acl/src/acl.ts resolves it from its own location).
step('copying the ACL mappings');
let copied = 0;
function copyMappings(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['test', 'fixtures', 'node_modules'].includes(entry.name)) copyMappings(full);
    } else if (entry.name.endsWith('.jsonata')) {
      const to = path.join(DIST, path.relative(ROOT, full));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(full, to);
      copied += 1;
    }
  }
}
copyMappings(path.join(ROOT, 'acl'));

// The dashboard is bundled by the gateway at run time (control/dashboard/page.ts) from its sources, found beside the compiled code.
step('copying the dashboard sources');
fs.cpSync(path.join(ROOT, 'gateway/dashboard'), path.join(DIST, 'gateway/dashboard'), { recursive: true });

fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
step(`done: dist/ (${copied} mappings); \`npx strangler\` now runs the compiled code until a source file changes`);
