import type { RefundCode } from '../codes/refund';
import { isCodeOf } from '../status-codes';
import { defineGatewayCallMachine, gatewayCallStates, type GatewayCallState } from './gateway-call';

/** A voucher refund (`api/voucherrefund`); see gateway-call.ts. */
export const refundStates = gatewayCallStates;
export type RefundState = GatewayCallState;

export const refundMachine = defineGatewayCallMachine('refund');

export const refundStateByCode: { readonly [C in RefundCode]: RefundState } = Object.freeze({
  '100': 'failed',
  '230': 'succeeded',
  '300': 'failed',
  '400': 'outcome_unknown',
  B200: 'outcome_unknown',
  B500: 'failed',
});

export function refundStateForCode(code: string): RefundState | undefined {
  return isCodeOf('refund', code) ? refundStateByCode[code] : undefined;
}
