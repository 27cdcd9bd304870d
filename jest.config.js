/** Three suites (DESIGN.md §8): unit (pure domain), integration (adapters against moto), contract (template). */
const transform = { '^.+\\.ts$': '<rootDir>/test/esbuild-transform.js' };

/** @type {import('jest').Config} */
module.exports = {
  cacheDirectory: '<rootDir>/.jest-cache',
  projects: [
    { displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], transform, testEnvironment: 'node' },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/integration/moto-global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/moto-global-teardown.ts',
      setupFiles: ['<rootDir>/test/integration/moto-env.ts'],
    },
    { displayName: 'contract', testMatch: ['<rootDir>/test/contract/**/*.test.ts'], transform, testEnvironment: 'node' },
  ],
};
