import { defineStateMachine } from '../state-machine';
import type { PurchaseState } from './purchase';

/**
 * One voucher (one serial number).
 * - `reserved`: its serial is taken by a purchase that is not paid yet (or whose outcome is unknown).
 * - `void`: the purchase definitively failed; the serial is never valid. Serials are not recycled: the seed
 *   allows recycling only when a purchase can never complete, and reusing one invites double issuance.
 * - `redeeming` / `refunding`: our intent is recorded and the gateway call is in flight.
 * - `redeem_unknown` / `refund_unknown`: the call's outcome is unknown (timeout, 400); the reconciler queries.
 * - `issued -> redeemed` directly: a POS redemption (`api/voucheroffline`) names its vouchers only in the
 *   response, so there is no per-voucher intent to record before it.
 * - `expired`: paid or gift, its trust period ended with it unused; the trust's money is released to the
 *   issuer (docs/protocol.md §7). Final: never redeemed nor refunded after.
 */
export const voucherStates = [
  'reserved',
  'issued',
  'redeeming',
  'redeem_unknown',
  'redeemed',
  'refunding',
  'refund_unknown',
  'refunded',
  'void',
  'expired',
] as const;
export type VoucherState = (typeof voucherStates)[number];

export const voucherMachine = defineStateMachine({
  name: 'voucher',
  states: voucherStates,
  initial: ['reserved'],
  finals: ['redeemed', 'refunded', 'void', 'expired'],
  transitions: {
    reserved: ['issued', 'void'],
    issued: ['redeeming', 'redeemed', 'refunding', 'expired'],
    // A definitive failure returns the voucher to `issued`: it is still valid and unused.
    redeeming: ['redeemed', 'issued', 'redeem_unknown'],
    redeem_unknown: ['redeemed', 'issued'],
    refunding: ['refunded', 'issued', 'refund_unknown'],
    refund_unknown: ['refunded', 'issued'],
    redeemed: [],
    refunded: [],
    void: [],
    expired: [],
  },
});

/**
 * What a purchase's state means for its vouchers: `paid` issues them, `failed` and `cancelled` void them, every
 * other state leaves them reserved (an expired or mismatched purchase can still end up paid).
 */
export function voucherStateForPurchase(state: PurchaseState): 'issued' | 'void' | undefined {
  switch (state) {
    case 'paid':
      return 'issued';
    case 'failed':
    case 'cancelled':
      return 'void';
    case 'created':
    case 'submitted':
    case 'awaiting_payment':
    case 'outcome_unknown':
    case 'expired':
    case 'paid_mismatch':
      return undefined;
  }
}
