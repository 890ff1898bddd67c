#!/usr/bin/env node
// The CLI is TypeScript. After `npm run build` the compiled dist/ runs (see compiled.js);
// otherwise tsx compiles the sources on load, so that `npx strangler` works straight after `npm ci`.
const { compiledEntry } = require('./compiled');

const compiled = compiledEntry('gateway/src/cli/main');
if (compiled) {
  require(compiled).run(process.argv);
} else {
  require('tsx/cjs');
  require('../gateway/src/cli/main.ts').run(process.argv);
}
