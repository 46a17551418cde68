import { executionCodes, type ExecutionCode } from './codes/execution';
import { payoffBatchCodes, payoffItemCodes, type PayoffBatchCode, type PayoffItemCode } from './codes/payoff';
import { payPageCodes, type PayPageCode } from './codes/paypage';
import { purchaseCodes, type PurchaseCode } from './codes/purchase';
import {
  offlineRedemptionCodes,
  redemptionCodes,
  type OfflineRedemptionCode,
  type RedemptionCode,
} from './codes/redemption';
import { refundCodes, type RefundCode } from './codes/refund';
import type { StatusCodeInfo, StatusCodeTable } from './codes/types';

export type { CodeOutcome, StatusCodeInfo, StatusCodeTable } from './codes/types';
export { ExecutionCode, executionCodes } from './codes/execution';
export { PurchaseCode, purchaseCodes } from './codes/purchase';
export {
  RedemptionCode,
  redemptionCodes,
  OfflineRedemptionCode,
  offlineRedemptionCodes,
} from './codes/redemption';
export { RefundCode, refundCodes } from './codes/refund';
export { PayoffBatchCode, payoffBatchCodes, PayoffItemCode, payoffItemCodes } from './codes/payoff';
export { PayPageCode, payPageCodes } from './codes/paypage';

/** The code families of docs/protocol.md §2, each with its own meaning for the same digits (250 is "paid" or "redeemed"). */
export interface CodeFamilies {
  execution: ExecutionCode;
  purchase: PurchaseCode;
  redemption: RedemptionCode;
  refund: RefundCode;
  offlineRedemption: OfflineRedemptionCode;
  payoffBatch: PayoffBatchCode;
  payoffItem: PayoffItemCode;
  payPage: PayPageCode;
}
export type CodeFamily = keyof CodeFamilies;
export type CodeOf<F extends CodeFamily> = CodeFamilies[F];

export const statusCodeTables: { readonly [F in CodeFamily]: StatusCodeTable<CodeFamilies[F]> } =
  Object.freeze({
    execution: executionCodes,
    purchase: purchaseCodes,
    redemption: redemptionCodes,
    refund: refundCodes,
    offlineRedemption: offlineRedemptionCodes,
    payoffBatch: payoffBatchCodes,
    payoffItem: payoffItemCodes,
    payPage: payPageCodes,
  });

export const codeFamilies: readonly CodeFamily[] = Object.freeze(
  Object.keys(statusCodeTables) as CodeFamily[],
);

/** The codes of a family, in the seed's order. */
export function codesOf<F extends CodeFamily>(family: F): readonly CodeOf<F>[] {
  return Object.keys(statusCodeTables[family]) as CodeOf<F>[];
}

/**
 * Whether `code` is a code of `family`. Strings only, compared exactly: no trimming, no case folding (`b200` is
 * not a code). A wire adapter that receives `250` as a number converts it knowingly, or uses `describeCode`.
 */
export function isCodeOf<F extends CodeFamily>(family: F, code: unknown): code is CodeOf<F> {
  // hasOwn, not `in`: "toString" must not pass for a status code.
  return typeof code === 'string' && Object.hasOwn(statusCodeTables[family], code);
}

/**
 * The meaning of a code within a family, or `undefined` for a code the seeds do not document. Numbers are read
 * as their decimal text, because some clients send `250` rather than `"250"`.
 */
export function describeCode<F extends CodeFamily>(
  family: F,
  code: string | number,
): StatusCodeInfo<CodeOf<F>> | undefined {
  const key = String(code);
  if (!isCodeOf(family, key)) return undefined;
  const table = statusCodeTables[family] as unknown as Readonly<Record<string, StatusCodeInfo<CodeOf<F>>>>;
  return table[key];
}

export const isExecutionCode = (code: unknown): code is ExecutionCode => isCodeOf('execution', code);
export const isPurchaseCode = (code: unknown): code is PurchaseCode => isCodeOf('purchase', code);
export const isRedemptionCode = (code: unknown): code is RedemptionCode => isCodeOf('redemption', code);
export const isRefundCode = (code: unknown): code is RefundCode => isCodeOf('refund', code);
export const isOfflineRedemptionCode = (code: unknown): code is OfflineRedemptionCode =>
  isCodeOf('offlineRedemption', code);
export const isPayoffBatchCode = (code: unknown): code is PayoffBatchCode => isCodeOf('payoffBatch', code);
export const isPayoffItemCode = (code: unknown): code is PayoffItemCode => isCodeOf('payoffItem', code);
export const isPayPageCode = (code: unknown): code is PayPageCode => isCodeOf('payPage', code);
