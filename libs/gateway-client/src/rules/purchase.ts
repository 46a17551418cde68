import type { z } from 'zod';
import type { voucherServicePurchaseRequestShape } from '../schemas/voucherservicepurchase';
import {
  DECIMAL_ONE,
  DECIMAL_ZERO,
  compareDecimals,
  parseDecimal,
  sumDecimals,
  type ScaledDecimal,
} from '../wire/decimal';
import { addCalendar } from '../wire/taiwan-time';
import { issue, type RuleIssue } from './issues';

/*
 * The purchase rules of docs/protocol.md §3 (seed 000 『票券項目』, 『票券宣告』, 票券相關費用規則), on the
 * normalised request. Shared by the client (before sending), the API (answering `100` with the field) and the
 * simulator (rejecting as the gateway would). The field shapes themselves are the schema's job.
 */

type PurchaseRequest = z.output<typeof voucherServicePurchaseRequestShape>;
type PurchaseItem = PurchaseRequest['items'][number];

/** Stable codes of the purchase rules. */
export const PURCHASE_RULE = {
  orderCostMismatch: 'ORDER_COST_MISMATCH',
  duplicateItemId: 'DUPLICATE_ITEM_ID',
  amountZero: 'AMOUNT_ZERO',
  totalPriceMismatch: 'TOTAL_PRICE_MISMATCH',
  totalCostMismatch: 'TOTAL_COST_MISMATCH',
  valueBelowMinimum: 'VALUE_BELOW_MINIMUM',
  trustPeriodTooShort: 'TRUST_PERIOD_TOO_SHORT',
  serialCount: 'SERIAL_COUNT',
  serialFormat: 'SERIAL_FORMAT',
  serialDuplicate: 'SERIAL_DUPLICATE',
  serialsNotAllowed: 'SERIALS_NOT_ALLOWED',
  sharingRange: 'SHARING_RANGE',
  sharingSum: 'SHARING_SUM',
  declarationCount: 'DECLARATION_COUNT',
  declarationName: 'DECLARATION_NAME',
} as const;

/** 票券單張最低50元: the least value of a paid voucher. */
export const MIN_VOUCHER_VALUE = 50;

const SERIAL = /^[A-Za-z0-9]{1,32}$/;

/** Every broken purchase rule; empty when the request may be sent. */
export function purchaseRequestIssues(request: PurchaseRequest): RuleIssue[] {
  const issues: RuleIssue[] = [];
  request.items.forEach((item, i) => issues.push(...itemIssues(item, i)));
  issues.push(...orderIssues(request));
  return issues;
}

function orderIssues(request: PurchaseRequest): RuleIssue[] {
  const issues: RuleIssue[] = [];
  // Decision (the seed is silent): the order total is the sum of the items' contained values, the amount the
  // buyer pays for the paid vouchers; gift vouchers are free.
  const total = request.items.reduce((sum, item) => sum + item.total_cost, 0);
  if (request.cost !== total) {
    issues.push(
      issue(
        PURCHASE_RULE.orderCostMismatch,
        ['cost'],
        `cost must equal the items' total_cost sum (${total}).`,
      ),
    );
  }
  const seen = new Set<string>();
  request.items.forEach((item, i) => {
    if (seen.has(item.id))
      issues.push(issue(PURCHASE_RULE.duplicateItemId, ['items', i, 'id'], 'Item ids must be unique.'));
    seen.add(item.id);
  });
  issues.push(...declarationIssues(request));
  return issues;
}

/** 票券宣告與商品資訊票券種類的數量與名稱必須相同: one declaration per item, names matching one to one. */
function declarationIssues(request: PurchaseRequest): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (request.declarations.length !== request.items.length) {
    issues.push(
      issue(
        PURCHASE_RULE.declarationCount,
        ['declarations'],
        'There must be exactly one declaration per item.',
      ),
    );
  }
  const itemNames = new Map<string, number>();
  for (const item of request.items) itemNames.set(item.name, (itemNames.get(item.name) ?? 0) + 1);
  const declared = new Map<string, number>();
  request.declarations.forEach((declaration, j) => {
    const n = (declared.get(declaration.name) ?? 0) + 1;
    declared.set(declaration.name, n);
    if (n > (itemNames.get(declaration.name) ?? 0)) {
      issues.push(
        issue(
          PURCHASE_RULE.declarationName,
          ['declarations', j, 'name'],
          'No item (left) with this name to declare.',
        ),
      );
    }
  });
  request.items.forEach((item, i) => {
    if ((declared.get(item.name) ?? 0) < (itemNames.get(item.name) ?? 0)) {
      issues.push(
        issue(PURCHASE_RULE.declarationName, ['items', i, 'name'], 'This item has no declaration.'),
      );
      // One report per name is enough.
      declared.set(item.name, itemNames.get(item.name) ?? 0);
    }
  });
  return issues;
}

function itemIssues(item: PurchaseItem, i: number): RuleIssue[] {
  const at = (...rest: (string | number)[]): (string | number)[] => ['items', i, ...rest];
  const issues: RuleIssue[] = [];
  if (item.amount < 1)
    issues.push(issue(PURCHASE_RULE.amountZero, at('amount'), 'At least one paid voucher.'));
  if (item.total_price !== item.price * item.amount) {
    issues.push(
      issue(PURCHASE_RULE.totalPriceMismatch, at('total_price'), 'total_price must be price × amount.'),
    );
  }
  if (item.total_cost !== item.cost * item.amount) {
    issues.push(
      issue(PURCHASE_RULE.totalCostMismatch, at('total_cost'), 'total_cost must be cost × amount.'),
    );
  }
  if (item.cost < MIN_VOUCHER_VALUE) {
    issues.push(
      issue(PURCHASE_RULE.valueBelowMinimum, at('cost'), `A voucher is worth at least ${MIN_VOUCHER_VALUE}.`),
    );
  }
  // "履約保證時間必須超過一年", read inclusively: both ends are trust days, so 20210917..20220916 (the seed's own
  // sample) is a full year and passes. The end must be at least one year after the start, less a day.
  const earliestEnd = addCalendar(item.trust_start_date, 1, -1);
  if (earliestEnd !== undefined && item.trust_end_date < earliestEnd) {
    issues.push(
      issue(
        PURCHASE_RULE.trustPeriodTooShort,
        at('trust_end_date'),
        `The trust period must cover a year (end ≥ ${earliestEnd}).`,
      ),
    );
  }
  issues.push(...serialIssues(item, i), ...sharingIssues(item, i));
  return issues;
}

function serialIssues(item: PurchaseItem, i: number): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const paid = item.serial_numbers ?? [];
  const gift = item.gift_serial_numbers ?? [];
  if (item.is_custom_serial === 0) {
    if (paid.length > 0) {
      issues.push(
        issue(
          PURCHASE_RULE.serialsNotAllowed,
          ['items', i, 'serial_numbers'],
          'Serials need is_custom_serial = 1.',
        ),
      );
    }
    if (gift.length > 0) {
      issues.push(
        issue(
          PURCHASE_RULE.serialsNotAllowed,
          ['items', i, 'gift_serial_numbers'],
          'Serials need is_custom_serial = 1.',
        ),
      );
    }
    return issues;
  }
  if (paid.length !== item.amount) {
    issues.push(
      issue(
        PURCHASE_RULE.serialCount,
        ['items', i, 'serial_numbers'],
        `One serial per voucher (${item.amount}).`,
      ),
    );
  }
  if (gift.length !== item.gift_number) {
    issues.push(
      issue(
        PURCHASE_RULE.serialCount,
        ['items', i, 'gift_serial_numbers'],
        `One serial per gift voucher (${item.gift_number}).`,
      ),
    );
  }
  // Unique within the product (the seed: unique per 票券群組), across paid and gift serials.
  const seen = new Set<string>();
  const check = (list: readonly string[], field: string): void =>
    list.forEach((serial, k) => {
      if (!SERIAL.test(serial)) {
        issues.push(
          issue(
            PURCHASE_RULE.serialFormat,
            ['items', i, field, k],
            'A serial is 1 to 32 characters of [A-Za-z0-9].',
          ),
        );
      } else if (seen.has(serial)) {
        issues.push(issue(PURCHASE_RULE.serialDuplicate, ['items', i, field, k], 'Serials must be unique.'));
      }
      seen.add(serial);
    });
  check(paid, 'serial_numbers');
  check(gift, 'gift_serial_numbers');
  return issues;
}

/** 總部 + 銷售點 + 核銷點 需等於 1, exactly: compared as scaled integers, never as a float sum. */
function sharingIssues(item: PurchaseItem, i: number): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const parts: ScaledDecimal[] = [];
  for (const key of ['headquarters', 'sales', 'reimbursement'] as const) {
    const d = parseDecimal(item.sharing[key]);
    if (d === undefined || compareDecimals(d, DECIMAL_ZERO) < 0 || compareDecimals(d, DECIMAL_ONE) > 0) {
      issues.push(
        issue(PURCHASE_RULE.sharingRange, ['items', i, 'sharing', key], 'A share is between 0 and 1.'),
      );
    } else {
      parts.push(d);
    }
  }
  if (parts.length === 3 && compareDecimals(sumDecimals(parts), DECIMAL_ONE) !== 0) {
    issues.push(
      issue(PURCHASE_RULE.sharingSum, ['items', i, 'sharing'], 'The shares must sum to exactly 1.'),
    );
  }
  return issues;
}
