import { writeFile } from 'node:fs/promises';
import {
  buildStatements,
  PartnerStatementError,
  statementCsv,
  statementHtml,
  statementPeriod,
} from '@tixclear/settlement';
import type { DataSource } from 'typeorm';
import { cliLogger } from '../runtime/cli-logger';

export const STATEMENT_USAGE =
  'statement --partner <uid> --period 2026-11|2026-11-20 [--format csv|html] [--out file]';

export interface StatementOptions {
  partner?: string | undefined;
  period?: string | undefined;
  format?: string | undefined;
  out?: string | undefined;
}

/**
 * `settle statement …`: a partner's statement for a day or a month, as CSV (default) or a printable HTML page,
 * to `--out` or standard output. Without `--partner`, the CSV holds every partner's statement (the page is one
 * partner's). A refusal (unknown partner, malformed period, a statement that does not carry) prints its code
 * and the field at fault, and exits 1; a malformed command exits 2. Nothing is written either way.
 */
export async function statementCommand(
  dataSource: DataSource,
  options: StatementOptions,
  usage: (message: string) => Error,
): Promise<void> {
  const format = options.format ?? 'csv';
  if (format !== 'csv' && format !== 'html') throw usage(`--format must be csv or html. ${STATEMENT_USAGE}`);
  if (!options.period) throw usage(`--period is required. ${STATEMENT_USAGE}`);
  if (format === 'html' && !options.partner) throw usage(`--format html needs --partner. ${STATEMENT_USAGE}`);
  try {
    const period = statementPeriod(options.period);
    const statements = await buildStatements(dataSource, period, options.partner);
    const bytes =
      format === 'csv' ? statementCsv(statements) : Buffer.from(statementHtml(statements[0]!), 'utf8');
    if (options.out) {
      await writeFile(options.out, bytes);
      cliLogger('settle').info(
        { out: options.out, bytes: bytes.length, period: period.label },
        'statement written',
      );
    } else {
      process.stdout.write(bytes);
    }
  } catch (error) {
    if (error instanceof PartnerStatementError) {
      throw new Error(`${error.code}${error.field ? ` (${error.field})` : ''}: ${error.message}`);
    }
    throw error;
  }
}
