import type { PurchaseCode } from '../codes/purchase';
import { isCodeOf } from '../status-codes';
import { defineStateMachine } from '../state-machine';

/**
 * A voucher purchase (`api/voucherservicepurchase`).
 * - `created`: recorded with its order id, not sent yet; `submitted`: the call is in flight.
 * - `outcome_unknown`: the call timed out or the gateway said 400 / 500 / A0001 / B200: only a query decides.
 * - `expired` (380) is not final: seed 001 says a late payment can turn it into 290 (`paid_mismatch`); the
 *   reconciler closes it as `failed` once the gateway's query confirms nothing was paid.
 * - `paid_mismatch` (290): money arrived with the wrong amount; an operator accepts it (`paid`) or returns the
 *   money outside the gateway (`failed`).
 * - `cancelled`: withdrawn before sending, or abandoned by the buyer (A0002).
 * Gateway reports may overtake our own response (a notification can arrive before the purchase response is
 * stored), hence `submitted` may move straight to any gateway-reported state.
 */
export const purchaseStates = [
  'created',
  'submitted',
  'awaiting_payment',
  'outcome_unknown',
  'paid',
  'paid_mismatch',
  'failed',
  'expired',
  'cancelled',
] as const;
export type PurchaseState = (typeof purchaseStates)[number];

const reported = ['awaiting_payment', 'paid', 'paid_mismatch', 'failed', 'expired', 'cancelled'] as const;

export const purchaseMachine = defineStateMachine({
  name: 'purchase',
  states: purchaseStates,
  initial: ['created'],
  finals: ['paid', 'failed', 'cancelled'],
  transitions: {
    created: ['submitted', 'cancelled'],
    submitted: [...reported, 'outcome_unknown'],
    awaiting_payment: ['paid', 'paid_mismatch', 'failed', 'expired', 'cancelled', 'outcome_unknown'],
    outcome_unknown: reported,
    expired: ['paid_mismatch', 'failed'],
    paid_mismatch: ['paid', 'failed'],
    paid: [],
    failed: [],
    cancelled: [],
  },
});

/** Where each 購買票券交易狀態碼 leads. Codes that do not settle anything lead to `outcome_unknown`. */
export const purchaseStateByCode: { readonly [C in PurchaseCode]: PurchaseState } = Object.freeze({
  '100': 'failed',
  '200': 'awaiting_payment',
  '210': 'awaiting_payment',
  '250': 'paid',
  '260': 'awaiting_payment',
  '270': 'awaiting_payment',
  '280': 'awaiting_payment',
  '290': 'paid_mismatch',
  '300': 'failed',
  '380': 'expired',
  '400': 'outcome_unknown',
  '500': 'outcome_unknown',
  '600': 'paid',
  A0001: 'outcome_unknown',
  A0002: 'cancelled',
  B200: 'outcome_unknown',
  B500: 'failed',
});

/** `undefined` for a code the seed does not list: the caller escalates instead of guessing. */
export function purchaseStateForCode(code: string): PurchaseState | undefined {
  return isCodeOf('purchase', code) ? purchaseStateByCode[code] : undefined;
}
