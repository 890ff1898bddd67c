/** MySQL/MariaDB suite: needs STRANGLER_TEST_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['**/*.mysql.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Some suite leaves a handle open after the run (not found yet: not esbuild's service); without
  // this the process waits for it forever once every test has passed or failed.
  forceExit: true,
  testTimeout: 60000,
  maxWorkers: 1,
};
