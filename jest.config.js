// Jest runs the TypeScript sources as ESM (ts-jest `useESM`, NODE_OPTIONS=--experimental-vm-modules
// set by the npm scripts). Two projects: `unit` (src/ with mocked AWS clients, fake timers) and
// `sandbox` (the local AWS sandbox, and end-to-end runs of the built dist/ against it).
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } },
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/**/*.test.ts'] },
    { ...common, displayName: 'sandbox', testMatch: ['<rootDir>/sandbox/**/*.test.ts', '<rootDir>/e2e/**/*.test.ts'] },
  ],
  collectCoverageFrom: ['src/**/*.ts', '!src/main.ts', '!src/post.ts'],
  coverageReporters: ['text-summary', 'json-summary'],
  coverageThreshold: { global: { lines: 90 } },
};
