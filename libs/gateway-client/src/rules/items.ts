import { issue, type RuleIssue } from './issues';

/*
 * PayPage 『商品項目』 in refunds and captures (seed 001 交易退款, 信用卡授權請款; seed 003 電票退款):
 * "項目總金額必須與退款金額一致" — the items' totals sum to the amount, and each total is cost × amount.
 */

export const ITEMS_RULE = {
  itemTotalMismatch: 'ITEM_TOTAL_MISMATCH',
  itemsTotalMismatch: 'ITEMS_TOTAL_MISMATCH',
} as const;

interface Item {
  readonly cost: number;
  readonly amount: number;
  readonly total: number;
}

export function itemsMatchCost(request: {
  readonly cost: number;
  readonly items?: readonly Item[] | undefined;
}): RuleIssue[] {
  if (request.items === undefined) return [];
  const issues: RuleIssue[] = [];
  request.items.forEach((item, i) => {
    if (item.total !== item.cost * item.amount) {
      issues.push(issue(ITEMS_RULE.itemTotalMismatch, ['items', i, 'total'], 'total must be cost × amount.'));
    }
  });
  const sum = request.items.reduce((acc, item) => acc + item.total, 0);
  if (sum !== request.cost) {
    issues.push(
      issue(ITEMS_RULE.itemsTotalMismatch, ['items'], `The items must total cost (${request.cost}).`),
    );
  }
  return issues;
}
