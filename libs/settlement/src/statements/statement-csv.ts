import { toCsv } from '../exports/csv';
import type { Cell, TableSpec } from '../exports/table';
import type { Statement } from './statement';

/** The statement's CSV: one row per statement line, every partner's statements one after the other. */
export const STATEMENT_TABLE: TableSpec = {
  name: 'statement',
  columns: [
    { name: 'partner', width: 14 },
    { name: 'period_start', width: 12 },
    { name: 'period_end', width: 12 },
    { name: 'section', width: 12 },
    { name: 'item', width: 18 },
    { name: 'party', width: 30 },
    { name: 'account', width: 22 },
    { name: 'reference', width: 60 },
    { name: 'posted_on', width: 12 },
    { name: 'count', width: 10 },
    { name: 'amount', width: 14 },
  ],
};

export function statementRows(statement: Statement): Cell[][] {
  const { partner, period } = statement;
  return statement.lines.map((line) => [
    partner.uid,
    period.start,
    period.end,
    line.section,
    line.item,
    line.party,
    line.account,
    line.reference,
    line.postedOn,
    line.count,
    line.amount,
  ]);
}

/** The statements as CSV bytes, through the export's CSV writer (BOM, COPY's CSV quoting, LF, formula guard). */
export function statementCsv(statements: readonly Statement[]): Buffer {
  return toCsv(STATEMENT_TABLE, statements.flatMap(statementRows));
}
