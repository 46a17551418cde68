/**
 * The values the database admits in its state and kind columns: the machines' lists of `@tixclear/domain`, and
 * the database's own lists, defined here, once. Entities build their `@Check` expressions from these lists,
 * and a spec (state-checks.int.spec.ts) compares every such expression with the constraint a migrated database
 * holds: a state added in code but not by a migration fails it.
 */

import type { OperatorItemKind } from './entities/operator-item.entity';

/**
 * `payment` is a PayPage order (`api/orders`), `pay_refund` a money refund of a paid order (`api/refund`,
 * `api/esvcrefund`), `pay_action` another PayPage write (refund cancel, capture, authorisation cancel, direct
 * debit stop, e-wallet binding, invoice issue). A `payment` moves through the purchase machine.
 */
export const operationKinds = [
  'purchase',
  'redemption',
  'refund',
  'payment',
  'pay_refund',
  'pay_action',
] as const;

/** The kinds whose state is the purchase machine's (awaiting payment, paid...); the others are gateway calls. */
export const paidOrderKinds = ['purchase', 'payment'] as const;

/** The steps of a settlement run, in order; the run's `state` is the next step to do. */
export const settlementRunStates = [
  'clearing',
  'posting',
  'batching',
  'paying',
  'exporting',
  'completed',
] as const;

/** A report to a partner: `pending` until the partner answers `8888`, `flagged` after the last attempt. */
export const partnerReportStates = ['pending', 'delivered', 'flagged'] as const;
export type PartnerReportState = (typeof partnerReportStates)[number];

export const operatorItemStates = ['open', 'resolved'] as const;
export type OperatorItemState = (typeof operatorItemStates)[number];

/** The kinds of operator items (each documented on `OperatorItemKind`, which this list must cover). */
export const operatorItemKinds = [
  'late_outcome',
  'paid_mismatch',
  'payout_batch_parked',
  'payout_item_refused',
  'redemption_mismatch',
  'settlement_hold',
  'operation_overdue',
  'partner_report_flagged',
  'books_gateway_difference',
] as const satisfies readonly OperatorItemKind[];

/** Console operators' roles, least to most: each may do what the ones before it may (apps/api console). */
export const operatorRoles = ['viewer', 'finance', 'operator', 'admin'] as const;
export type OperatorRole = (typeof operatorRoles)[number];

/** A stored gateway report: `pending` until the query it woke answers, then what that query found. */
export const gatewayReportOutcomes = [
  'pending',
  'settled',
  'open',
  'confirmed',
  'late_outcome',
  'not_found',
  'not_applicable',
] as const;
export type GatewayReportOutcome = (typeof gatewayReportOutcomes)[number];

/** Reports only counted, never stored one row each. */
export const countedReportOutcomes = ['unknown_order', 'not_applicable', 'excess'] as const;
export type CountedReportOutcome = (typeof countedReportOutcomes)[number];

/** The three ledgers' shares, and the issuance fee of each layer (paid to the layer's collector). */
export const payableRoles = [
  'headquarters',
  'sales',
  'reimbursement',
  'issuance_l1',
  'issuance_l2',
  'issuance_l3',
] as const;
export type PayableRole = (typeof payableRoles)[number];

export const holdActionKinds = ['recleared', 'fee_accepted', 'settled_outside'] as const;
export type HoldActionKind = (typeof holdActionKinds)[number];

/** `"column" IN ('a', 'b')`: the expression of a CHECK over one column's list. */
export function inList(column: string, values: readonly string[]): string {
  for (const value of values)
    if (!/^[a-z0-9_]+$/.test(value)) throw new Error(`not a plain state name: ${JSON.stringify(value)}`);
  return `"${column}" IN (${values.map((value) => `'${value}'`).join(', ')})`;
}

/** The quoted literals of a CHECK expression or of PostgreSQL's definition of it, as a sorted set. */
export function checkLiterals(expression: string): string[] {
  return [...new Set([...expression.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1] ?? ''))].sort();
}
