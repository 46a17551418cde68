import { twd, type Twd } from '@tixclear/domain';
import { linesOfEntries, withIndexScans } from '../balances/index';
import type { EntityManager } from 'typeorm';
import { EntryKind } from '../accounts';
import { currentChart } from '../chart/index';
import { sqlText } from './csv';

/**
 * The SQL of the export, run inside one REPEATABLE READ transaction (one snapshot for every table). Rules:
 * - An entry belongs to the period that posted it (`posted_on`): its run's end date, or its own business date
 *   when no run posted it (an operator's correction). A voucher held on the 20th and cleared by the run of the
 *   23rd is in the export of the 23rd, with its redemption date: the export of the 20th never changes
 *   afterwards, and each period's opening balance is the previous period's closing one.
 * - Every ORDER BY runs down to a full key of what is printed, text under `COLLATE "C"` (byte order, no
 *   locale), so rows come out in the same order on every run and every server. Identity ids (entries, lines)
 *   are never printed nor ordered by: a resumed run numbers them differently from an uninterrupted one.
 * - journal_lines has no B-tree on entry_id (posting speed): the period's lines are gathered once, by the BRIN
 *   ranges of its entries' ids (src/balances/night-lines.ts), into a temporary table that the journal and
 *   ledger queries then sort; the balances are the day snapshots' (src/balances/), not a sum of the journal.
 */
export type Tx = Pick<EntityManager, 'query'>;

/** Entries posted within [$1, $2], found through the run index (and the rare run-less ones by date). */
const ENTRIES_POSTED_BETWEEN = `
  SELECT e.id, e.run_id, e.kind, e.reference, e.business_date, e.description, e.corrects_entry_id,
         r.period_end AS posted_on
    FROM settlement_runs r JOIN journal_entries e ON e.run_id = r.id
   WHERE r.period_end BETWEEN $1::date AND $2::date
  UNION ALL
  SELECT e.id, e.run_id, e.kind, e.reference, e.business_date, e.description, e.corrects_entry_id,
         e.business_date
    FROM journal_entries e
   WHERE e.run_id IS NULL AND e.business_date BETWEEN $1::date AND $2::date`;

/**
 * The order in which a day's entries were posted: an operator's entries of the day (no run: they precede the
 * night's run), then the run's steps in their order (clearing; trust movements, fees kept and expiries; pay-offs).
 * With the day posted on and the reference, it is the ledgers' time order: an entry is never listed before
 * one its run posted earlier, so a payout never comes before the earnings it pays. Derived from the kind,
 * not from ids or clocks, so a resumed run's export is the same as an uninterrupted one's.
 */
const POSTING_STEP = `CASE
    WHEN e.run_id IS NULL THEN 0
    WHEN e.kind = '${EntryKind.clearing}' THEN 1
    WHEN e.kind IN ('${EntryKind.purchase}', '${EntryKind.refund}', '${EntryKind.feeKept}', '${EntryKind.expiry}')
      THEN 2
    WHEN e.kind IN ('${EntryKind.payout}', '${EntryKind.settledOutside}') THEN 3
    ELSE 4 END`;

/**
 * The journal's order of entries: the day posted, the business date, the kind, the reference. Each line carries
 * its entry's rank in it (`entry_order`, a dense rank: entries equal on it share one), so the journal sorts its
 * lines by one integer before the lines' own columns instead of comparing two dates and two texts for every
 * pair of lines of a night (docs/benchmarks.md).
 */
const JOURNAL_ORDER = ['e.posted_on', 'e.business_date', 'e.kind COLLATE "C"', 'e.reference COLLATE "C"'];

/**
 * The period's journal lines with what the journal and ledgers print, and each account's code in the
 * operator's chart of accounts (`codes`, src/chart/; blank for an account it does not map). A clearing entry is written with its
 * clearing by the same run (clearing.ts), so the voucher's product and points are found among the clearings of
 * the period's runs (by the run index); a correction finds the clearing it corrects by primary key. Both are
 * looked up once per entry, before the lines are joined: per line, the planner sorted every line of the period
 * twice to merge them in (docs/benchmarks.md).
 */
export async function gatherPeriodLines(
  tx: Tx,
  from: string,
  to: string,
  codes: ReadonlyArray<readonly [account: string, code: string]> = [...currentChart().codes],
): Promise<void> {
  await gatherLines(tx, from, to, codes, 'true');
}

/**
 * The period's lines of the three ledgers only (a line with a ledger), into `export_lines` as
 * {@link gatherPeriodLines} writes it: what the ledgers' COPY queries read, gathered by a second connection
 * so that it writes the ledgers beside the first one's journal.
 */
export async function gatherLedgerLines(tx: Tx, from: string, to: string): Promise<void> {
  await gatherLines(tx, from, to, [...currentChart().codes], 'l.ledger IS NOT NULL');
}

async function gatherLines(
  tx: Tx,
  from: string,
  to: string,
  codes: ReadonlyArray<readonly [account: string, code: string]>,
  lineFilter: 'true' | 'l.ledger IS NOT NULL',
): Promise<void> {
  // Only the journal reads the entries' rank: the ledgers' lines alone are never printed as the journal.
  const journal = lineFilter === 'true';
  await withIndexScans(tx, async () => {
    // The entries first, described and analysed: the planner then joins the lines to a table whose size it
    // knows (hashing the entries, the smaller side). Joined to the entries' query itself, it planned from row
    // counts guessed from the size of each month's partition, which grow with history (docs/benchmarks.md).
    await tx.query(
      `CREATE TEMPORARY TABLE export_entries ON COMMIT DROP AS
     WITH entries AS MATERIALIZED (${ENTRIES_POSTED_BETWEEN}),
     corrected AS (
       SELECT e.id, c.kind || ':' || c.reference AS corrects, cc.product, cc.business_date,
              cc.sales_party, cc.reimbursement_party
         FROM entries e
         JOIN journal_entries c ON c.id = e.corrects_entry_id
         LEFT JOIN clearings cc
                ON cc.redemption_line_id = (CASE WHEN c.kind = 'clearing' THEN c.reference END)::uuid
        WHERE e.corrects_entry_id IS NOT NULL),
     cleared AS (
       SELECT cl.redemption_line_id::text AS reference, cl.product, cl.business_date, cl.sales_party,
              cl.reimbursement_party
         FROM settlement_runs r JOIN clearings cl ON cl.run_id = r.id
        WHERE r.period_end BETWEEN $1::date AND $2::date)
     SELECT e.id, e.posted_on, ${POSTING_STEP} AS step, e.business_date, e.kind, e.reference, e.description,
            COALESCE(k.corrects, '') AS corrects,
            ${journal ? `dense_rank() OVER (ORDER BY ${JOURNAL_ORDER.join(', ')})` : 'NULL::bigint'} AS entry_order,
            v.product AS cleared_product, v.business_date AS cleared_date, v.sales_party AS cleared_sales,
            v.reimbursement_party AS cleared_redemption,
            k.product AS corrected_product, k.business_date AS corrected_date, k.sales_party AS corrected_sales,
            k.reimbursement_party AS corrected_redemption
       FROM entries e
       LEFT JOIN corrected k ON k.id = e.id
       LEFT JOIN cleared v ON e.kind = 'clearing' AND v.reference = e.reference`,
      [from, to],
    );
    await tx.query(`ANALYZE export_entries`);
    await tx.query(
      `CREATE TEMPORARY TABLE export_lines ON COMMIT DROP AS
     SELECT e.posted_on, e.step, e.business_date, e.kind, e.reference, e.description, e.corrects, e.entry_order,
            l.account,
            COALESCE(l.ledger, '') AS ledger, COALESCE(l.party, '') AS party,
            COALESCE(l.serial_number, '') AS serial_number, l.amount, COALESCE(chart.code, '') AS account_code,
            COALESCE(CASE WHEN l.ledger IS NOT NULL THEN e.cleared_product END, e.corrected_product, '') AS product,
            COALESCE(CASE WHEN l.ledger IS NOT NULL THEN e.cleared_date END, e.corrected_date)::text
              AS redemption_date,
            COALESCE(CASE WHEN l.ledger IS NOT NULL THEN e.cleared_sales END, e.corrected_sales, '') AS sales_point,
            COALESCE(CASE WHEN l.ledger IS NOT NULL THEN e.cleared_redemption END, e.corrected_redemption, '')
              AS redemption_point
       FROM export_entries e
       JOIN ${linesOfEntries('export_entries')} l ON l.entry_id = e.id
       LEFT JOIN unnest($1::text[], $2::text[]) AS chart(account, code) ON chart.account = l.account
      WHERE ${lineFilter}`,
      [codes.map(([account]) => account), codes.map(([, code]) => code)],
    );
  });
}

/**
 * The journal as COPY prints it (copy-out.ts): one row per line of the period, an entry's lines together, each
 * line's signed amount as a debit and a credit column (both non-negative). The lines are sorted as they are and
 * printed after, so the server sorts the columns only, not their printed copies beside them (docs/benchmarks.md
 * #exports). The outer query only projects, so it keeps the subquery's order (a subquery with ORDER BY is never
 * flattened into its outer query).
 */
export const JOURNAL_COPY_SQL = `
  SELECT s.posted_on::text, s.business_date::text,
         ${[
           'kind',
           'reference',
           'description',
           'corrects',
           'account',
           'account_code',
           'ledger',
           'party',
           'serial_number',
         ]
           .map((column) => sqlText(`s.${column}`))
           .join(', ')},
         GREATEST(s.amount, 0), GREATEST(-s.amount, 0)
    FROM (SELECT x.posted_on, x.business_date, x.kind, x.reference, x.description, x.corrects, x.account,
                 x.account_code, x.ledger, x.party, x.serial_number, x.amount
            FROM export_lines x
           ORDER BY x.entry_order, x.account COLLATE "C", x.ledger COLLATE "C", x.party COLLATE "C",
                    x.serial_number COLLATE "C", x.amount) s`;

/**
 * The balance before the period of each party of each ledger (from the day snapshots, src/balances/), beside
 * the period's lines for the ledgers' COPY queries (ledgers.ts). Zero balances are left out.
 */
export async function gatherOpenings(
  tx: Tx,
  openings: ReadonlyArray<{ ledger: string; party: string; balance: Twd }>,
): Promise<void> {
  const kept = openings.filter((opening) => opening.balance !== 0);
  await tx.query(
    `CREATE TEMPORARY TABLE export_openings ON COMMIT DROP AS
     SELECT o.ledger, o.party, o.balance
       FROM unnest($1::text[], $2::text[], $3::bigint[]) AS o(ledger, party, balance)`,
    [kept.map((o) => o.ledger), kept.map((o) => o.party), kept.map((o) => String(o.balance))],
  );
}

/** Pay-off batches of the runs posted in the period, one row per item (one for a batch without items). */
export const PAYOUTS_SQL = `
  SELECT r.period_start::text AS period_start, r.period_end::text AS period_end, b.paying_merchant, b.group_id,
         b.state AS batch_state, COALESCE(b.gateway_code, '') AS batch_gateway_code,
         COALESCE(i.item_id, '') AS item_id, COALESCE(i.party, '') AS party,
         COALESCE(i.payee_account, '') AS payee_account, i.amount::text AS amount,
         COALESCE(i.state, '') AS item_state, COALESCE(i.gateway_code, '') AS item_gateway_code,
         COALESCE(i.gateway_message, '') AS item_gateway_message
    FROM settlement_runs r
    JOIN payout_batches b ON b.run_id = r.id
    LEFT JOIN payout_items i ON i.batch_id = b.id
   WHERE r.period_end BETWEEN $1::date AND $2::date
   ORDER BY r.period_end, r.period_start, b.paying_merchant COLLATE "C", b.group_id COLLATE "C",
            COALESCE(i.item_id, '') COLLATE "C"`;

/**
 * The payments ledger's postings of the period (src/payments/), one row each: the receivable's movement, the
 * operation's partner and order id, the order's gateway uid (a refund names it in its request) and the refund's.
 */
export const PAYMENTS_LEDGER_SQL = `
  SELECT x.posted_on::text AS posted_on, x.business_date::text AS business_date, x.kind, x.reference,
         p.partner_uid AS partner, o.order_id,
         CASE WHEN x.kind = '${EntryKind.payment}' THEN COALESCE(o.gateway_uid, '')
              ELSE COALESCE(o.request->>'uid', '') END AS uid,
         CASE WHEN x.kind = '${EntryKind.paymentRefund}' THEN COALESCE(o.gateway_uid, '')
              WHEN x.kind = '${EntryKind.refundCancel}'
                THEN COALESCE(o.response->'row_data'->>'refund_uid', o.request->>'uid', '')
              ELSE '' END AS refund_uid,
         x.amount::text AS amount
    FROM export_lines x
    JOIN operations o ON o.id::text = x.reference
    JOIN partners p ON p.id = o.partner_id
   WHERE x.account = 'gateway_receivable'
     AND x.kind IN ('${EntryKind.payment}', '${EntryKind.paymentRefund}', '${EntryKind.refundCancel}')
   ORDER BY x.posted_on, x.business_date, x.kind COLLATE "C", x.reference COLLATE "C"`;

/**
 * Pay-off items in `exception` and vouchers held, of the runs posted in the period. A held voucher's party is
 * its redemption point and its amount its value.
 */
export const EXCEPTIONS_SQL = `
  SELECT * FROM (
    SELECT 'payout_exception' AS kind, r.period_start::text AS period_start, r.period_end::text AS period_end,
           i.item_id AS reference, '' AS serial_number, i.party, '' AS product, '' AS business_date,
           i.amount::text AS amount, COALESCE(i.gateway_code, '') AS code, COALESCE(i.gateway_message, '') AS reason
      FROM settlement_runs r
      JOIN payout_batches b ON b.run_id = r.id
      JOIN payout_items i ON i.batch_id = b.id
     WHERE i.state = 'exception' AND r.period_end BETWEEN $1::date AND $2::date
    UNION ALL
    SELECT 'held', r.period_start::text, r.period_end::text, h.redemption_line_id::text, h.serial_number,
           COALESCE(rl.redemption_point, ''), COALESCE(v.item_name, ''), COALESCE(rl.business_date::text, ''),
           COALESCE(rl.cost, 0)::text, '', h.reason
      FROM settlement_runs r
      JOIN settlement_holds h ON h.run_id = r.id
      LEFT JOIN redemption_lines rl ON rl.id = h.redemption_line_id
      LEFT JOIN vouchers v ON v.id = rl.voucher_id
     WHERE r.period_end BETWEEN $1::date AND $2::date) x
   ORDER BY x.kind COLLATE "C", x.period_end COLLATE "C", x.period_start COLLATE "C", x.reference COLLATE "C",
            x.serial_number COLLATE "C", x.party COLLATE "C", x.business_date COLLATE "C", x.reason COLLATE "C",
            x.amount COLLATE "C", x.code COLLATE "C"`;

/** Balances by account, ledger and party over the period: read from the day snapshots (src/balances/). */
export type { BalanceGroup } from '../balances/index';

/** A row as the queries above return it: every column aliased, text or null. */
export type Row = Record<string, string | null>;

/**
 * Runs a query through a server-side cursor and hands its rows over in batches: memory holds two batches,
 * whatever the size of the table. The next batch is fetched while the last one is written (`onBatch` must not
 * query the transaction), so the server and the writer work at the same time.
 */
export async function streamRows(
  tx: Tx,
  sql: string,
  params: unknown[],
  onBatch: (rows: Row[]) => Promise<void>,
  batchSize = 10_000,
): Promise<void> {
  await tx.query(`DECLARE export_cursor NO SCROLL CURSOR FOR ${sql}`, params);
  const fetch = () => tx.query<Row[]>(`FETCH FORWARD ${batchSize} FROM export_cursor`);
  let next = fetch();
  for (;;) {
    const rows = await next;
    if (rows.length < batchSize) {
      if (rows.length > 0) await onBatch(rows);
      break;
    }
    next = fetch();
    // A failed batch leaves the prefetch to fail with the aborted transaction: handled, not unhandled.
    await onBatch(rows).catch(async (error: unknown) => {
      await next.catch(() => undefined);
      throw error;
    });
  }
  // Closed on success only: after an error the transaction is aborted and ends, cursor and all.
  await tx.query('CLOSE export_cursor');
}

/** Amounts come as text (bigint, sums as numeric): checked into safe integers, never parsed loosely. */
export function money(value: string | null | undefined, field: string): Twd {
  return twd(value ?? '0', field);
}

export async function runPeriod(tx: Tx, runId: string): Promise<{ start: string; end: string } | undefined> {
  const rows = await tx.query<Array<{ start: string; end: string }>>(
    `SELECT period_start::text AS start, period_end::text AS "end" FROM settlement_runs WHERE id = $1::uuid`,
    [runId],
  );
  return rows[0];
}
