/*
 * One Jest run for the whole monorepo, in Jest's native ESM mode: NestJS 12 ships ESM only, and Jest can load
 * ESM packages only this way on Node 20. SWC transpiles TypeScript with decorator metadata (NestJS and TypeORM
 * need it; esbuild would drop it), configured once in `.swcrc` (tools/runtime/register.mjs reads it too).
 * Aliases mirror tsconfig.base.json.
 */
import { readFileSync } from 'node:fs';

const swcrc = JSON.parse(readFileSync(new URL('./.swcrc', import.meta.url), 'utf8'));
delete swcrc.$schema;
const swc = ['@swc/jest', { ...swcrc, swcrc: false }];

/** @type {import("jest").Config} */
const config = {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@tixclear/gateway-simulator$': '<rootDir>/tools/gateway-simulator/src/index.ts',
    '^@tixclear/e2e$': '<rootDir>/tools/e2e/src/index.ts',
    '^@tixclear/(.*)$': '<rootDir>/libs/$1/src/index.ts',
  },
  testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/tools/testing/global-setup.mjs',
  globalTeardown: '<rootDir>/tools/testing/global-teardown.mjs',
  testTimeout: 30_000,
  maxWorkers: 2,
};

export default config;
