import type { DataSource, EntityManager } from 'typeorm';
import { settleDifferenceItem } from './difference-item';
import { lookUpOperations, readBooks } from './books';
import { compareDay, type MerchantReconciliation } from './compare';
import { ReconciliationError, ReconciliationErrorCode } from './errors';
import type { GatewayDayFigures, GatewayFiguresSource } from './ports';

/** The merchant uid a reconciliation stores the receivable no merchant could be named for under. */
export const NO_MERCHANT = '-';

export interface ReconciliationResult {
  date: string;
  merchants: MerchantReconciliation[];
  /** Differences over every merchant: zero when the books and the gateway agree. */
  differences: number;
}

function checkDate(date: string): void {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(date) ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== date
  )
    throw new ReconciliationError(
      ReconciliationErrorCode.DateInvalid,
      `${date} is not a date YYYY-MM-DD`,
      'date',
    );
}

/**
 * Reconciles the books with the gateway for one Taiwan business date: for every merchant our partners go through
 * (or those named), `gateway_receivable` through the date against what the gateway holds at its end, and the
 * date's operations on both sides, each difference with its reason. Stores one result per date and merchant
 * (again: replaced) and, on a difference, puts a `books_gateway_difference` item on the operators' queue (one
 * open per date and merchant, its details the latest result); a date reconciled again without a difference
 * resolves its item. A source that fails for a merchant is that merchant's difference, not the others' failure.
 */
export async function reconcileBooks(
  dataSource: DataSource,
  source: GatewayFiguresSource,
  date: string,
  options: { merchants?: readonly string[] } = {},
): Promise<ReconciliationResult> {
  checkDate(date);
  const books = await readBooks(dataSource, date);
  const merchants = options.merchants ?? [...books.days.keys()].sort();
  const results: MerchantReconciliation[] = [];
  for (const merchantUid of merchants) {
    const day = books.days.get(merchantUid) ?? {
      merchantUid,
      held: 0,
      byKind: { purchase_paid: 0, redemption: 0, refund: 0, payoff_item: 0, expiry: 0 },
      movements: [],
      operations: { purchase_paid: [], redemption: [], refund: [], payoff_item: [], expiry: [] },
      other: [],
    };
    let gateway: GatewayDayFigures | undefined;
    let described = source.describe(merchantUid, date);
    try {
      gateway = await source.dayFigures(merchantUid, date);
    } catch (error) {
      described = `${described}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200);
    }
    const ours = await lookUpOperations(
      dataSource,
      (gateway?.movements ?? []).map((m) => m.reference),
    );
    results.push(compareDay({ date, source: described, books: day, gateway, ours }));
  }
  if (options.merchants === undefined && (books.unattributed.length > 0 || books.unattributedHeld !== 0)) {
    const orphan = compareDay({
      date,
      source: 'journal',
      books: {
        merchantUid: NO_MERCHANT,
        held: books.unattributedHeld,
        byKind: { purchase_paid: 0, redemption: 0, refund: 0, payoff_item: 0, expiry: 0 },
        movements: [],
        operations: { purchase_paid: [], redemption: [], refund: [], payoff_item: [], expiry: [] },
        other: [],
      },
      gateway: {
        merchantUid: NO_MERCHANT,
        date,
        held: 0,
        byKind: { purchase_paid: 0, redemption: 0, refund: 0, payoff_item: 0, expiry: 0 },
      },
      ours: new Map(),
      unattributed: books.unattributed,
    });
    results.push(orphan);
  }
  for (const result of results) await dataSource.transaction((tx) => store(tx, result));
  return { date, merchants: results, differences: results.reduce((n, r) => n + r.differences.length, 0) };
}

/** Stores a merchant's result for its date (replacing an earlier one) and raises or resolves its item. */
async function store(tx: EntityManager, result: MerchantReconciliation): Promise<void> {
  const differences = result.differences.length;
  await tx.query(
    `INSERT INTO books_gateway_reconciliations
       (business_date, merchant_uid, source, books_held, gateway_held, counts, differences, difference_count)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)
     ON CONFLICT (business_date, merchant_uid) DO UPDATE
       SET source = EXCLUDED.source, books_held = EXCLUDED.books_held, gateway_held = EXCLUDED.gateway_held,
           counts = EXCLUDED.counts, differences = EXCLUDED.differences,
           difference_count = EXCLUDED.difference_count, updated_at = now()`,
    [
      result.date,
      result.merchantUid,
      result.source.slice(0, 200),
      result.booksHeld,
      result.gatewayHeld,
      JSON.stringify(result.kinds),
      JSON.stringify(result.differences),
      differences,
    ],
  );
  const reference = `${result.date}:${result.merchantUid}`;
  await settleDifferenceItem(
    tx,
    reference,
    differences === 0
      ? null
      : {
          date: result.date,
          merchant: result.merchantUid,
          booksHeld: result.booksHeld,
          gatewayHeld: result.gatewayHeld,
          differences,
          // The first ones; every one is in books_gateway_reconciliations.
          first: result.differences.slice(0, 20).map((d) => d.reason),
        },
  );
}
