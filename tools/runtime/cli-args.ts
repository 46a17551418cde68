import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * The benchmarks' command lines, read by `node:util` parseArgs (`--seconds 15` and `--seconds=15` alike). An
 * unknown option or a bad value stops the run with exit status 2 before anything starts.
 */
export function benchArgs<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ args: process.argv.slice(2), strict: true, ...config });
  } catch (error) {
    return usage((error as Error).message);
  }
}

/** A positive number from an option's text (`20000`, `20_000`), `fallback` when it is absent. */
export function positiveNumber(
  text: string | undefined,
  name: string,
  fallback: number,
  integer = false,
): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isSafeInteger(value)))
    return usage(`--${name} must be a positive ${integer ? 'integer' : 'number'}, not ${text}`);
  return value;
}

function usage(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}
