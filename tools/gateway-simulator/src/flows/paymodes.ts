import { executed } from '../answers';
import type { Merchant } from '../merchants';
import type { RequestFor } from '../validation';
import { unchanged, type FlowResult, type Services } from './context';

/*
 * api/paymentsupportpaymode (seed 001 特約商店可用支付工具查詢): `B200` with the payment tools the store may use,
 * as configured per merchant (`payModes`; by default the list of the seed's sample answer). The seed says
 * nothing of the amount narrowing the list, so it does not (the schema already refuses a cost under 1 with 100).
 */

export function paymentSupportPayMode(
  _services: Services,
  merchant: Merchant,
  _request: RequestFor<'paymentsupportpaymode'>,
): FlowResult {
  return unchanged({ ...executed(), content: [...merchant.payModes] });
}
