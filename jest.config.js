/** Default suite: everything on the embedded SQLite default. MySQL tests run with `npm run test:mysql`. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.mysql\\.test\\.ts$'],
  testTimeout: 30000,
};
