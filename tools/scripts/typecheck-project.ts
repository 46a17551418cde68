/**
 * `typecheck` of one Nx project: `node --import ./tools/runtime/register.mjs tools/scripts/typecheck-project.ts
 * libs/crypto`. The root tsconfig.json's options, with the project's own files as roots (files of projects nested
 * in it are theirs); what they import is checked with them, as `tsc -p tsconfig.json` would. Exits 1 on any
 * diagnostic, 2 on a bad command line.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { cliArgs } from '../runtime/cli-args';

const PROGRAM = 'typecheck-project';
const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const { positionals } = cliArgs(PROGRAM, { options: {}, allowPositionals: true });
const projectRoot = positionals.length === 1 ? path.resolve(REPO_ROOT, positionals[0]!) : undefined;
if (!projectRoot || !existsSync(path.join(projectRoot, 'project.json'))) {
  console.error(`${PROGRAM}: give one project root, a directory holding a project.json`);
  process.exit(2);
}

/** Directories under `dir` (not `dir` itself) that hold a project.json: nested projects. */
function nestedProjects(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
    .flatMap((entry) => {
      const child = path.join(dir, entry.name);
      return existsSync(path.join(child, 'project.json')) ? [child] : nestedProjects(child);
    });
}

const host: ts.ParseConfigFileHost = {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
    console.error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    process.exit(1);
  },
};
const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), {}, host)!;
const within = (dir: string, file: string) => path.resolve(file).startsWith(dir + path.sep);
const nested = nestedProjects(projectRoot);
const rootNames = config.fileNames.filter(
  (file) => within(projectRoot, file) && !nested.some((dir) => within(dir, file)),
);

const program = ts.createProgram({ rootNames, options: config.options });
const diagnostics = [...config.errors, ...ts.getPreEmitDiagnostics(program)];
if (diagnostics.length > 0) {
  const formatHost: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (file) => file,
    getCurrentDirectory: () => REPO_ROOT,
    getNewLine: () => '\n',
  };
  const format = process.stderr.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
  console.error(format(diagnostics, formatHost));
  process.exit(1);
}
console.log(`${path.relative(REPO_ROOT, projectRoot)}: ${rootNames.length} files type-check`);
