export { PartnerStatementError, PartnerStatementErrorCode } from './errors';
export { itemLabel, SECTION_LABELS, type Label } from './labels';
export { dayBefore, statementPeriod, type StatementPeriod } from './period';
export { buildStatements, partyOf, type Section, type Statement, type StatementLine } from './statement';
export { STATEMENT_TABLE, statementCsv, statementRows } from './statement-csv';
export { statementHtml } from './statement-html';
