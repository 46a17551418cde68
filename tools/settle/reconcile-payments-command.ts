import type { PartnerRegistry } from '@tixclear/db';
import type { GatewayPort } from '@tixclear/operations';
import { DEFAULT_PAYMENT_QUERIES, reconcilePayments, ReconciliationError } from '@tixclear/settlement';
import type { DataSource } from 'typeorm';

/**
 * `settle reconcile-payments --date YYYY-MM-DD [--max-queries N]`: that date's payments, money refunds and
 * refund cancels against the gateway's `queryorder` (libs/settlement, payments/), at most N queries (default
 * 1,000), printed, stored, and a difference put on the operators' queue. Exit 0 when they agree, 1 on a
 * difference or a refused date.
 */
export async function reconcilePaymentsCommand(
  dataSource: DataSource,
  deps: { gateway: GatewayPort; partners: PartnerRegistry },
  options: { date: string; maxQueries?: string | undefined },
): Promise<number> {
  const maxQueries = options.maxQueries === undefined ? DEFAULT_PAYMENT_QUERIES : Number(options.maxQueries);
  if (!Number.isSafeInteger(maxQueries) || maxQueries < 1) {
    console.error('refused: --max-queries must be a positive whole number');
    return 1;
  }
  try {
    const result = await reconcilePayments(dataSource, deps, options.date, { maxQueries });
    console.log(
      `payments of ${result.date}: ${result.checked} orders asked (at most ${result.queryLimit}), ` +
        `${result.unchecked} unchecked, ${result.differences.length} differences`,
    );
    for (const difference of result.differences) console.log(`  ${difference.reason}`);
    return result.differences.length === 0 && result.unchecked === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof ReconciliationError) {
      console.error(`refused: ${error.code}${error.field ? ` (${error.field})` : ''}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
