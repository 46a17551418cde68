import { issue, type RuleIssue } from './issues';

/* Rules shared by the redemption and refund requests. */

export const VOUCHER_RULE = { duplicateVoucher: 'DUPLICATE_VOUCHER' } as const;

/** A voucher (product id and serial) appears once per request: twice would redeem or refund it twice. */
export function distinctVoucherRefs(request: {
  readonly items: readonly { readonly id: string; readonly serial_number: string }[];
}): RuleIssue[] {
  const seen = new Set<string>();
  const issues: RuleIssue[] = [];
  request.items.forEach((item, i) => {
    const key = `${item.id}\u0000${item.serial_number}`;
    if (seen.has(key))
      issues.push(issue(VOUCHER_RULE.duplicateVoucher, ['items', i], 'This voucher is listed twice.'));
    seen.add(key);
  });
  return issues;
}
