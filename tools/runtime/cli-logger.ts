import { createLogger, type Logger } from '@tixclear/logging';

/**
 * A CLI's log (progress, what it did) through the shared factory: pretty on a terminal, JSON lines otherwise.
 * On standard error by default, so standard output stays the command's result (CSV, JSON lines, a printed
 * secret) and can be piped; a command whose whole output is its log (start, db:migrate) logs to stdout.
 */
export function cliLogger(program: string, stream: 'stdout' | 'stderr' = 'stderr'): Logger {
  return createLogger({ name: program, destination: stream === 'stdout' ? 1 : 2 });
}
