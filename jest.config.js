// One jest run for the whole workspace. Sources are ESM TypeScript; SWC strips the types and
// keeps legacy decorators with their design-time metadata, which Nest's dependency injection reads.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/libs',
    '<rootDir>/services',
    '<rootDir>/tools',
    '<rootDir>/bench',
    '<rootDir>/packages',
    '<rootDir>/apps',
    '<rootDir>/deploy',
  ],
  testMatch: ['**/src/**/*.spec.ts', '**/bench/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@livedesk/client$': '<rootDir>/packages/client/src/index.ts',
    '^@livedesk/client/customer$': '<rootDir>/packages/client/src/customer.ts',
    '^@livedesk/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^@livedesk/([a-z-]+)/([a-z-]+)$': '<rootDir>/libs/$1/src/$2.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // Runs in jest's main process, not a test VM, so it loads the built library (`pnpm test` builds first).
  globalSetup: '<rootDir>/libs/testing/dist/global-setup.js',
  testTimeout: 60_000,
  maxWorkers: 2,
  // A worker keeps the module graph of every test file it has run (ESM under vm modules): over
  // the whole run each worker's heap grew to 1.9 GB, and the pauses of collecting a heap that
  // size are a likely cause of tests stalled for seconds on the 2-core machine. A worker whose
  // heap is over this after a test file is replaced by a fresh one: heaps stay under about
  // 520 MB, and the run takes as long as without it (623 s against 626 s, one run each).
  workerIdleMemoryLimit: '512MB',
};
