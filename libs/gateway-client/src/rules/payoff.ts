import { issue, type RuleIssue } from './issues';

/* Pay-off batch rules: item ids unique within the batch (seed 004: 本批次唯一), and no zero remittance. */

export const PAYOFF_RULE = {
  duplicateItemId: 'DUPLICATE_ITEM_ID',
  zeroMoney: 'ZERO_MONEY',
} as const;

function distinctIds(items: readonly { readonly id: string }[]): RuleIssue[] {
  const seen = new Set<string>();
  const issues: RuleIssue[] = [];
  items.forEach((item, i) => {
    if (seen.has(item.id))
      issues.push(issue(PAYOFF_RULE.duplicateItemId, ['items', i, 'id'], 'Item ids are unique in a batch.'));
    seen.add(item.id);
  });
  return issues;
}

export function payoffCreateIssues(request: {
  readonly items: readonly { readonly id: string; readonly money: number }[];
}): RuleIssue[] {
  const issues = distinctIds(request.items);
  request.items.forEach((item, i) => {
    if (item.money < 1)
      issues.push(issue(PAYOFF_RULE.zeroMoney, ['items', i, 'money'], 'A remittance is at least 1.'));
  });
  return issues;
}

export function payoffCoveringIssues(request: {
  readonly items: readonly { readonly id: string }[];
}): RuleIssue[] {
  return distinctIds(request.items);
}
