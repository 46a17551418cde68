import {
  figuresSourceFrom,
  formatReconciliation,
  reconcileBooks,
  ReconciliationError,
} from '@tixclear/settlement';
import type { DataSource } from 'typeorm';

/**
 * `settle reconcile --date YYYY-MM-DD [--source statements:<dir>|simulator:<url>]`: the books against the
 * gateway for that business date (libs/settlement, reconciliation/), printed, stored, and each merchant's
 * difference put on the operators' queue. The source defaults to RECONCILE_SOURCE, else the simulator behind
 * GATEWAY_URL. Exit 0 when the books and the gateway agree, 1 on a difference (or a refused date or source,
 * whose code is printed).
 */
export async function reconcileCommand(
  dataSource: DataSource,
  options: { date: string; source?: string | undefined },
): Promise<number> {
  const spec =
    options.source ??
    process.env.RECONCILE_SOURCE ??
    `simulator:${new URL(process.env.GATEWAY_URL ?? 'http://127.0.0.1:4010/api/init').origin}`;
  try {
    const result = await reconcileBooks(dataSource, figuresSourceFrom(spec), options.date);
    for (const line of formatReconciliation(result)) console.log(line);
    return result.differences === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof ReconciliationError) {
      console.error(`refused: ${error.code}${error.field ? ` (${error.field})` : ''}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
