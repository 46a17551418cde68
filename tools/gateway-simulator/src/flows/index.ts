import type { Merchant } from '../merchants';
import type { RequestFor, SimulatedCommand } from '../validation';
import type { FlowResult, Services } from './context';
import { esvcRefund } from './esvc';
import { redeemOffline } from './offline';
import { cancelAuthorization, capture } from './capture';
import { ewalletBind } from './ewallet';
import { invoiceQuery, issueInvoice } from './invoice';
import { paymentSupportPayMode } from './paymodes';
import { openOrder, queryOrder } from './paypage';
import { refundCancel, refundOrder } from './paypage-refund';
import { disableDirectDebit } from './recurring';
import { coverBatch, createBatch, queryBatch } from './payoff';
import { purchase, purchaseQuery } from './purchase';
import { redeem, redemptionQuery } from './redemption';
import { refundQuery, refundVouchers } from './refund';

export type { FlowResult, PayoffSettings, Services } from './context';
export { approveBatch, batchState, completeBatch, forceOutcomes } from './payoff';
export { endDeferred, settlePurchase, type DeferredEnd, type PaymentAction } from './purchase';
export { endOrderDeferred, settleOrder } from './paypage';
export { chargeDue, chargeRecurring } from './recurring';
export { settleBinding } from './ewallet';

type Handler<C extends SimulatedCommand> = (
  services: Services,
  merchant: Merchant,
  request: RequestFor<C>,
) => FlowResult;

/** One flow per simulated command; the mapped type makes a missing command a compile error. */
const handlers: { readonly [C in SimulatedCommand]: Handler<C> } = {
  voucherservicepurchase: purchase,
  voucherservicequery: purchaseQuery,
  vouchertransaction: redeem,
  voucherquery: redemptionQuery,
  voucherrefund: refundVouchers,
  voucherrefundquery: refundQuery,
  voucheroffline: redeemOffline,
  esvcrefund: esvcRefund,
  payoffremittance: createBatch,
  payoffquery: queryBatch,
  payoffcoveringremittance: coverBatch,
  orders: openOrder,
  queryorder: queryOrder,
  refund: refundOrder,
  refundcancel: refundCancel,
  cancelauthorization: cancelAuthorization,
  authorizedrequestpayment: capture,
  disabledirectdebit: disableDirectDebit,
  ewalletbind: ewalletBind,
  issueinvoice: issueInvoice,
  invoice: invoiceQuery,
  paymentsupportpaymode: paymentSupportPayMode,
};

export function runCommand<C extends SimulatedCommand>(
  command: C,
  services: Services,
  merchant: Merchant,
  request: RequestFor<C>,
): FlowResult {
  return (handlers[command] as Handler<C>)(services, merchant, request);
}
