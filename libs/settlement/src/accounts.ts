/**
 * The chart of accounts. Amounts are signed: debit positive, credit negative; every entry sums to zero.
 * - `trust_liability`: vouchers sold and not yet redeemed or refunded (credit balance).
 * - `gateway_receivable`: money the gateway holds for us (purchases paid, less refunds and pay-offs).
 * - `fee_*`: fees earned by their collectors.
 * - `payable_<ledger>`: what we owe each party of the three ledgers, by party.
 * - `paid_outside`: payables an operator marked as settled outside the gateway.
 */
export const Account = {
  trustLiability: 'trust_liability',
  gatewayReceivable: 'gateway_receivable',
  feeEscrow: 'fee_escrow',
  feeGateway: 'fee_gateway',
  paidOutside: 'paid_outside',
} as const;

export type Ledger = 'headquarters' | 'sales' | 'reimbursement';
export const LEDGERS: readonly Ledger[] = ['headquarters', 'sales', 'reimbursement'];

export function payableAccount(ledger: Ledger): string {
  return `payable_${ledger}`;
}

/** Issuance fees by the layer that collects them (1 dealer, 2 big store, 3 store). */
export const ISSUANCE_ACCOUNT_PREFIX = 'fee_issuance_l';

export function issuanceFeeAccount(layer: number): string {
  return `${ISSUANCE_ACCOUNT_PREFIX}${layer}`;
}

/** Headquarters of a partner, as a party of the headquarters ledger: `hq:<partner uid>`. */
export const HEADQUARTERS_PREFIX = 'hq:';

export function headquartersParty(partnerUid: string): string {
  return `${HEADQUARTERS_PREFIX}${partnerUid}`;
}

/**
 * A point of a partner, as a party of the sales and reimbursement ledgers: `<partner uid>:<kind>:<ref>`, from
 * the point as a redemption line names it (`store:<ref>`, `dealer:<ref>`). Points are the partner's own: two
 * partners' `dealer:7` are two payees, and a partner's parties sort together.
 */
export function pointParty(partnerUid: string, point: string): string {
  return `${partnerUid}:${point}`;
}
