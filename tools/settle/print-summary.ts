import type { RunSummary } from '@tixclear/settlement';

const twd = (n: number) => `${n.toLocaleString('en-US')} TWD`;

/** The end-of-run summary for people: what was cleared and held, money per ledger, batches and items. */
export function printSummary(summary: RunSummary): void {
  const { period } = summary;
  console.log(
    `settlement ${period.start === period.end ? period.start : `${period.start} … ${period.end}`}: ${summary.state}`,
  );
  console.log(`  vouchers cleared   ${summary.vouchersCleared.toLocaleString()}`);
  console.log(`  vouchers held      ${summary.vouchersHeld.toLocaleString()}`);
  for (const [reason, count] of Object.entries(summary.holdReasons)) console.log(`    ${count} × ${reason}`);
  console.log(`  headquarters       ${twd(summary.ledgers.headquarters)}`);
  console.log(`  sales points       ${twd(summary.ledgers.sales)}`);
  console.log(`  redemption points  ${twd(summary.ledgers.reimbursement)}`);
  console.log(
    `  fees               escrow ${twd(summary.fees.escrow)}, gateway ${twd(summary.fees.gateway)}, issuance ${twd(summary.fees.issuance)}`,
  );
  console.log(`  batches            ${format(summary.batches)}`);
  console.log(`  items              ${format(summary.itemsByStatus)}`);
  console.log(
    `  trial balance      ${summary.trialBalance === 0 ? '0 (balanced)' : `${summary.trialBalance} — UNBALANCED`}`,
  );
}

function format(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${n} ${k}`).join(', ');
}
