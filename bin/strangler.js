#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on load so that `npx strangler` works straight after `npm ci`.
require('tsx/cjs');
require('../gateway/src/cli/main.ts').run(process.argv);
