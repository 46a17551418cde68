/**
 * `npm test`: everything CI checks, in order, stopping at the first failure: lint (zero warnings), formatting,
 * type-check, the migration drift check, then every spec (unit and integration, against a real PostgreSQL).
 * Extra arguments go to Jest (`npm test -- libs/crypto`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './database';

const bin = (name: string) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
const jestArgs = process.argv.slice(2);
const resultsFile = path.join(REPO_ROOT, 'tmp', 'jest-results.json');
mkdirSync(path.dirname(resultsFile), { recursive: true });

const steps: Array<{ name: string; command: string; args: string[] }> = [
  // The module-boundary lint rule reads Nx's cached project graph and silently skips itself without one (a
  // fresh clone has none): build it first.
  { name: 'project graph', command: bin('nx'), args: ['show', 'projects'] },
  { name: 'lint', command: bin('eslint'), args: ['--max-warnings', '0', '.'] },
  { name: 'format', command: bin('prettier'), args: ['--check', '--log-level', 'warn', '.'] },
  { name: 'type-check', command: bin('tsc'), args: ['-p', 'tsconfig.json', '--noEmit'] },
  {
    name: 'migration drift',
    command: process.execPath,
    args: ['--import', './tools/runtime/register.mjs', 'tools/scripts/drift-check.ts'],
  },
  {
    name: 'specs',
    command: process.execPath,
    args: [
      '--experimental-vm-modules',
      '--no-warnings=ExperimentalWarning',
      'node_modules/jest/bin/jest.js',
      '--ci',
      '--json',
      `--outputFile=${resultsFile}`,
      ...jestArgs,
    ],
  },
];

for (const step of steps) {
  const started = performance.now();
  console.log(`\n▶ ${step.name}`);
  const result = spawnSync(step.command, step.args, {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`✖ ${step.name} failed (${seconds}s)`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${step.name} (${seconds}s)`);
}

const summary = JSON.parse(readFileSync(resultsFile, 'utf8')) as {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
};
console.log(
  `\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${summary.numPendingTests} skipped`,
);
