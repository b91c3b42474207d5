// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

// Jest configuration provided by Grafana scaffolding (.config/ is managed by
// @grafana/create-plugin: customise here, never edit .config/).
const base = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

// Also transform .mjs files (d3 v3+ packages ship dist/*.mjs).
const swcTransform = base.transform['^.+\\.(t|j)sx?$'];
const transform = { '^.+\\.(t|j)sx?$': swcTransform, '^.+\\.mjs$': swcTransform };

// ESM-only packages that must be transformed instead of ignored.
const transformIgnorePatterns = [
  nodeModulesToTransform([...grafanaESModules, 'd3-[a-z-]+', 'internmap', 'delaunator', 'robust-predicates']),
];

// Two projects: src/ (Grafana plugin components) runs in jsdom with the scaffold's
// setup file; tests/ and sidecar/ (pure Node code) run in the node environment.
// A single file can still override its environment with a `@jest-environment` docblock.
module.exports = {
  // Generous: CI runs two workers on two cores alongside browser and S3 suites.
  testTimeout: 30_000,
  projects: [
    {
      ...base,
      displayName: 'plugin',
      rootDir: __dirname,
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'node',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/**/*.test.{ts,tsx,js,mjs}', '<rootDir>/sidecar/**/*.test.{ts,tsx,js,mjs}'],
      moduleNameMapper: base.moduleNameMapper,
      modulePaths: base.modulePaths,
      transform,
      transformIgnorePatterns,
      watchPathIgnorePatterns: base.watchPathIgnorePatterns,
      // Bundles the CLI and the parse worker (the sidecar's worker threads run lib/parse-worker.cjs).
      globalSetup: '<rootDir>/tests/global-setup.js',
      setupFilesAfterEnv: ['<rootDir>/tests/setup-globals.js'],
    },
  ],
};
