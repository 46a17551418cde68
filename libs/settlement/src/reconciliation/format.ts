import type { ReconciliationResult } from './reconcile';
import { MOVEMENT_KINDS } from './ports';

/** The reconciliation as lines for a terminal (`npm run settle -- reconcile`, `npm run demo`). */
export function formatReconciliation(result: ReconciliationResult): string[] {
  const lines = [`reconciliation of the books with the gateway, ${result.date}`];
  for (const m of result.merchants) {
    const state = m.differences.length === 0 ? 'agree' : `${m.differences.length} difference(s)`;
    lines.push(
      `  merchant ${m.merchantUid}: gateway_receivable ${m.booksHeld}, the gateway holds ${m.gatewayHeld ?? 'unknown'} — ${state}`,
    );
    for (const kind of MOVEMENT_KINDS) {
      const k = m.kinds[kind];
      if (k.operations === 0 && k.booked === 0 && !k.gateway && k.bookedAmount === 0 && !k.gatewayAmount)
        continue;
      lines.push(
        `    ${kind}: ${k.operations} in our operations, ${k.booked} booked (${k.bookedAmount}), ` +
          `${k.gateway ?? '?'} at the gateway (${k.gatewayAmount ?? '?'})`,
      );
    }
    for (const d of m.differences) lines.push(`    ✗ ${d.reason}`);
  }
  return lines;
}
