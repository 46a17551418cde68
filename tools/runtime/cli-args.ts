import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A command line of one of our CLIs, read by `node:util` parseArgs (`--seconds 15` and `--seconds=15` alike). An
 * unknown option, a missing value or an unexpected argument stops the program with exit status 2, before it
 * does anything, the message prefixed with `program`.
 */
export function cliArgs<const T extends ParseArgsConfig>(
  program: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ args: process.argv.slice(2), strict: true, ...config });
  } catch (error) {
    return usage(program, (error as Error).message);
  }
}

/** A positive number from an option's text (`20000`, `20_000`), `fallback` when it is absent; else exit 2. */
export function positiveNumber(
  program: string,
  text: string | undefined,
  name: string,
  fallback: number,
  integer = false,
): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isSafeInteger(value)))
    return usage(program, `--${name} must be a positive ${integer ? 'integer' : 'number'}, not ${text}`);
  return value;
}

function usage(program: string, message: string): never {
  console.error(`${program}: ${message}`);
  process.exit(2);
}
