import type { OfflineRedemptionCode, RedemptionCode } from '../codes/redemption';
import { isCodeOf } from '../status-codes';
import { defineGatewayCallMachine, gatewayCallStates, type GatewayCallState } from './gateway-call';

/** A redemption (online `api/vouchertransaction` or POS `api/voucheroffline`); see gateway-call.ts. */
export const redemptionStates = gatewayCallStates;
export type RedemptionState = GatewayCallState;

export const redemptionMachine = defineGatewayCallMachine('redemption');

export const redemptionStateByCode: { readonly [C in RedemptionCode]: RedemptionState } = Object.freeze({
  '100': 'failed',
  '250': 'succeeded',
  '300': 'failed',
  '400': 'outcome_unknown',
  B200: 'outcome_unknown',
  B500: 'failed',
});

export const offlineRedemptionStateByCode: { readonly [C in OfflineRedemptionCode]: RedemptionState } =
  Object.freeze({
    '250': 'succeeded',
    '300': 'failed',
  });

export function redemptionStateForCode(code: string): RedemptionState | undefined {
  return isCodeOf('redemption', code) ? redemptionStateByCode[code] : undefined;
}

export function offlineRedemptionStateForCode(code: string): RedemptionState | undefined {
  return isCodeOf('offlineRedemption', code) ? offlineRedemptionStateByCode[code] : undefined;
}
