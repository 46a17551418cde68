/**
 * The chart of accounts. Amounts are signed: debit positive, credit negative; every entry sums to zero.
 * - `trust_liability`: vouchers sold and not yet redeemed or refunded (credit balance).
 * - `gateway_receivable`: money the gateway holds for us, by merchant (`merchant:<upstream uid>`): purchases
 *   paid, less refunds, pay-offs and the fees the gateway keeps at redemption. It equals the gateway's figure.
 * - `fee_escrow`, `fee_gateway`: fees owed to the trust (escrow) institution (`institution:escrow`) and to the
 *   gateway (`institution:gateway`), credited per voucher at clearing and debited the same business date by the
 *   gateway keeping them (entry `fee_kept`, crediting the receivable): each closes every day at zero.
 * - `fee_issuance_l<layer>`: the issuance fee, owed to its collector (the party of its layer, below) until a
 *   pay-off pays it (or an operator settles it outside).
 * - `payable_<ledger>`: what we owe each party of the three ledgers, by party.
 * - `paid_outside`: payables an operator marked as settled outside the gateway.
 * - `payable_payments`: money of PayPage payments the gateway holds for the merchant, owed to the partner that
 *   took it (party `hq:<partner uid>`), less its refunds (src/payments/).
 * The operator's own account codes for these are configured (src/chart/, config/chart-of-accounts.json).
 */
export const Account = {
  trustLiability: 'trust_liability',
  gatewayReceivable: 'gateway_receivable',
  feeEscrow: 'fee_escrow',
  feeGateway: 'fee_gateway',
  paidOutside: 'paid_outside',
  payablePayments: 'payable_payments',
} as const;

/** Every account the engine posts to (issuance by layer, payables by ledger included). */
export const ACCOUNTS: readonly string[] = [
  Account.trustLiability,
  Account.gatewayReceivable,
  Account.feeEscrow,
  Account.feeGateway,
  'fee_issuance_l1',
  'fee_issuance_l2',
  'fee_issuance_l3',
  'payable_headquarters',
  'payable_sales',
  'payable_reimbursement',
  Account.paidOutside,
  Account.payablePayments,
];

/** Journal entry kinds (`journal_entries.kind`). */
export const EntryKind = {
  clearing: 'clearing',
  purchase: 'purchase',
  refund: 'refund',
  /** The escrow and gateway fees of a day's cleared vouchers, kept by the gateway out of what it holds. */
  feeKept: 'fee_kept',
  /** A paid voucher unused at the end of its trust period (src/expiry.ts). */
  expiry: 'expiry',
  payout: 'payout',
  settledOutside: 'settled_outside',
  holdSettled: 'hold_settled',
  correction: 'correction',
  /** A PayPage payment paid (src/payments/): reference the payment's operation id. */
  payment: 'payment',
  /** A money refund (`refund`, `esvcrefund`) that succeeded: reference the refund's operation id. */
  paymentRefund: 'payment_refund',
  /** A money refund cancelled (`refundcancel`): reference the cancel's operation id. */
  refundCancel: 'refund_cancel',
} as const;

export type Ledger = 'headquarters' | 'sales' | 'reimbursement';
export const LEDGERS: readonly Ledger[] = ['headquarters', 'sales', 'reimbursement'];

export function payableAccount(ledger: Ledger): string {
  return `payable_${ledger}`;
}

/** Issuance fees by the layer that collects them (seed 000 `issuance_layer`: 1 dealer, 2 big store, 3 store). */
export const ISSUANCE_ACCOUNT_PREFIX = 'fee_issuance_l';

export function issuanceFeeAccount(layer: number): string {
  return `${ISSUANCE_ACCOUNT_PREFIX}${layer}`;
}

/** The institutions that keep their fees out of the money the gateway holds. */
export const ESCROW_PARTY = 'institution:escrow';
export const GATEWAY_PARTY = 'institution:gateway';

/**
 * The operator itself, collector of layer 1's issuance fee (the dealer layer: the operator issues through the
 * gateway as its dealer). Its fee is income; a pay-off pays it to the operator's own account when one is
 * configured (`operatorPayoutAccount`), else it stays on `fee_issuance_l1` under this party, reported.
 */
export const OPERATOR_PARTY = 'operator';

/** A merchant at the gateway (a partner's upstream uid), as the party of the receivable it holds for us. */
export const MERCHANT_PREFIX = 'merchant:';

export function merchantParty(upstreamUid: string): string {
  return `${MERCHANT_PREFIX}${upstreamUid}`;
}

/**
 * What a payable pays: a share of one of the three ledgers, or an issuance fee of a layer. A payable of role
 * `issuance_l<n>` debits `fee_issuance_l<n>` when paid; one of a ledger debits `payable_<ledger>`.
 */
export type PayableRole = Ledger | 'issuance_l1' | 'issuance_l2' | 'issuance_l3';

export function roleAccount(role: PayableRole): string {
  return role.startsWith('issuance_l') ? `fee_${role}` : payableAccount(role as Ledger);
}

/** The ledger a role's journal line carries: the role's own for the three ledgers, none for a fee. */
export function roleLedger(role: PayableRole): Ledger | null {
  return role.startsWith('issuance_l') ? null : (role as Ledger);
}

/** Headquarters of a partner, as a party of the headquarters ledger: `hq:<partner uid>`. */
export const HEADQUARTERS_PREFIX = 'hq:';

export function headquartersParty(partnerUid: string): string {
  return `${HEADQUARTERS_PREFIX}${partnerUid}`;
}

/**
 * The collector of a voucher's issuance fee by its layer: 1 (dealer) the operator, 2 (big store) the partner's
 * headquarters, 3 (store) the voucher's sales point.
 */
export function issuanceParty(layer: number, parties: { headquarters: string; sales: string }): string {
  switch (layer) {
    case 1:
      return OPERATOR_PARTY;
    case 2:
      return parties.headquarters;
    case 3:
      return parties.sales;
    default:
      throw new RangeError(`issuance layer ${layer} is not 1, 2 or 3`);
  }
}

/**
 * A point of a partner, as a party of the sales and reimbursement ledgers: `<partner uid>:<kind>:<ref>`, from
 * the point as a redemption line names it (`store:<ref>`, `dealer:<ref>`). Points are the partner's own: two
 * partners' `dealer:7` are two payees, and a partner's parties sort together.
 */
export function pointParty(partnerUid: string, point: string): string {
  return `${partnerUid}:${point}`;
}
