import { addTwd, ZERO_TWD, type Twd } from '@tixclear/domain';
import { ExportError, ExportErrorCode } from './errors';
import { money, type BalanceGroup, type Row } from './queries';
import { compareBytes, type Cell, type TableSpec } from './table';

/** Text of a row's column (`''` for null). */
const text = (row: Row, column: string): string => row[column] ?? '';

/**
 * One row per journal line, grouped by entry (written by the server: `JOURNAL_COPY_SQL`); `corrects` names a
 * corrected entry by kind and reference; `account_code` is the account's code in the operator's chart of
 * accounts (src/chart/).
 */
export const JOURNAL: TableSpec = {
  name: 'journal',
  columns: [
    { name: 'posted_on', width: 12 },
    { name: 'business_date', width: 14 },
    { name: 'kind', width: 12 },
    { name: 'reference', width: 38 },
    { name: 'description', width: 30 },
    { name: 'corrects', width: 20 },
    { name: 'account', width: 22 },
    { name: 'account_code', width: 12 },
    { name: 'ledger', width: 14 },
    { name: 'party', width: 24 },
    { name: 'serial_number', width: 20 },
    { name: 'debit', width: 14 },
    { name: 'credit', width: 14 },
  ],
};

/** One row per pay-off item, with its batch (a batch without items gets one row, item columns empty). */
export const PAYOUTS: TableSpec = {
  name: 'payouts',
  columns: [
    { name: 'period_start', width: 12 },
    { name: 'period_end', width: 12 },
    { name: 'paying_merchant', width: 18 },
    { name: 'group_id', width: 30 },
    { name: 'batch_state', width: 18 },
    { name: 'batch_gateway_code', width: 10 },
    { name: 'item_id', width: 30 },
    { name: 'party', width: 24 },
    { name: 'payee_account', width: 20 },
    { name: 'amount', width: 14 },
    { name: 'item_state', width: 18 },
    { name: 'item_gateway_code', width: 10 },
    { name: 'item_gateway_message', width: 40 },
  ],
};

export function payoutRow(row: Row): Cell[] {
  return PAYOUTS.columns.map(({ name }) =>
    name === 'amount' ? (row.amount === null ? '' : money(row.amount, 'payouts.amount')) : text(row, name),
  );
}

/** Pay-off items in `exception` and held vouchers, with the gateway's code or the hold's reason. */
export const EXCEPTIONS: TableSpec = {
  name: 'exceptions',
  columns: [
    { name: 'kind', width: 18 },
    { name: 'period_start', width: 12 },
    { name: 'period_end', width: 12 },
    { name: 'reference', width: 38 },
    { name: 'serial_number', width: 20 },
    { name: 'party', width: 24 },
    { name: 'product', width: 30 },
    { name: 'business_date', width: 14 },
    { name: 'amount', width: 14 },
    { name: 'code', width: 10 },
    { name: 'reason', width: 50 },
  ],
};

export function exceptionRow(row: Row): Cell[] {
  return EXCEPTIONS.columns.map(({ name }) =>
    name === 'amount' ? money(row.amount, 'exceptions.amount') : text(row, name),
  );
}

/**
 * The payments ledger (src/payments/): one row per posting of a PayPage payment, money refund or refund cancel,
 * with the partner, its order id, the gateway's uid of the order (and of the refund), and the money the gateway
 * holds for it (the receivable's movement: + in, − out).
 */
export const PAYMENTS_LEDGER: TableSpec = {
  name: 'payments',
  columns: [
    { name: 'posted_on', width: 12 },
    { name: 'business_date', width: 14 },
    { name: 'kind', width: 16 },
    { name: 'reference', width: 38 },
    { name: 'partner', width: 16 },
    { name: 'order_id', width: 30 },
    { name: 'uid', width: 14 },
    { name: 'refund_uid', width: 14 },
    { name: 'amount', width: 14 },
  ],
};

export function paymentsRow(row: Row): Cell[] {
  return PAYMENTS_LEDGER.columns.map(({ name }) =>
    name === 'amount' ? money(row.amount, 'payments.amount') : text(row, name),
  );
}

export const TRIAL_BALANCE: TableSpec = {
  name: 'trial-balance',
  columns: [
    { name: 'account', width: 24 },
    { name: 'opening', width: 18 },
    { name: 'debits', width: 18 },
    { name: 'credits', width: 18 },
    { name: 'closing', width: 18 },
  ],
};

interface Totals {
  opening: Twd;
  debits: Twd;
  credits: Twd;
  closing: Twd;
}

/**
 * The trial balance from the balance groups: per account (byte order), then a `TOTAL` row. The journal
 * balances when the opening and closing totals are 0 and the period's debits equal its credits; otherwise
 * this throws `EXPORT_TRIAL_BALANCE_NOT_ZERO`, before any file is written: ledgers that do not add up must not
 * reach finance looking finished.
 */
export function trialBalanceRows(groups: readonly BalanceGroup[]): Cell[][] {
  const accounts = new Map<string, Totals>();
  const total = zero();
  for (const group of groups) {
    let account = accounts.get(group.account);
    if (!account) accounts.set(group.account, (account = zero()));
    for (const sums of [account, total]) {
      sums.opening = addTwd(sums.opening, group.opening);
      sums.debits = addTwd(sums.debits, group.debits);
      sums.credits = addTwd(sums.credits, group.credits);
      sums.closing = addTwd(sums.closing, group.closing);
    }
  }
  if (total.opening !== 0 || total.closing !== 0 || total.debits !== total.credits) {
    throw new ExportError(
      ExportErrorCode.TrialBalanceNotZero,
      `trial balance does not sum to zero: opening ${total.opening}, debits ${total.debits}, ` +
        `credits ${total.credits}, closing ${total.closing}`,
    );
  }
  return [
    ...[...accounts]
      .sort(([a], [b]) => compareBytes(a, b))
      .map(([account, sums]) => [account, sums.opening, sums.debits, sums.credits, sums.closing]),
    ['TOTAL', total.opening, total.debits, total.credits, total.closing],
  ];
}

function zero(): Totals {
  return { opening: ZERO_TWD, debits: ZERO_TWD, credits: ZERO_TWD, closing: ZERO_TWD };
}

/**
 * The workbook's list of the export's CSV files (by name): the detail tables (journal, ledger entries,
 * registers) are in the CSV files only, so the workbook names them with their data rows and SHA-256.
 */
export const FILES: TableSpec = {
  name: 'files',
  columns: [
    { name: 'file', width: 28 },
    { name: 'rows', width: 14 },
    { name: 'bytes', width: 16 },
    { name: 'sha256', width: 66 },
  ],
};
