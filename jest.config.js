/** Default suite: everything on the embedded SQLite default. MySQL tests run with `npm run test:mysql`. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.mysql\\.test\\.ts$'],
  // Some suite leaves a handle open after the run (not found yet: not esbuild's service); without
  // this the process waits for it forever once every test has passed or failed.
  forceExit: true,
  testTimeout: 30000,
};
