import { z } from 'zod';
import { seed001Answers, seed001Requests } from '../testing/seed-samples';
import {
  authorizedRequestPaymentRequestSchema,
  authorizedRequestPaymentResponseSchema,
} from './authorizedrequestpayment';
import { cancelAuthorizationRequestSchema, cancelAuthorizationResponseSchema } from './cancelauthorization';
import { disableDirectDebitRequestSchema, disableDirectDebitResponseSchema } from './disabledirectdebit';
import { ewalletBindRequestSchema, ewalletBindResponseSchema } from './ewalletbind';
import { invoiceRequestSchema, invoiceResponseSchema } from './invoice';
import { issueInvoiceRequestSchema, issueInvoiceResponseSchema } from './issueinvoice';
import { ordersRequestSchema, ordersResponseSchema } from './orders';
import {
  paymentSupportPayModeRequestSchema,
  paymentSupportPayModeResponseSchema,
} from './paymentsupportpaymode';
import { queryOrderRequestSchema, queryOrderResponseSchema } from './queryorder';
import { refundRequestSchema, refundResponseSchema } from './refund';
import { refundCancelRequestSchema, refundCancelResponseSchema } from './refundcancel';

/* The seed 001 (PayPage) samples through the schemas. */

const pairs = [
  [
    'orders',
    ordersRequestSchema,
    seed001Requests.ordersRequest,
    ordersResponseSchema,
    seed001Answers.ordersResponse,
  ],
  [
    'queryorder',
    queryOrderRequestSchema,
    seed001Requests.queryOrderRequest,
    queryOrderResponseSchema,
    seed001Answers.queryOrderResponse,
  ],
  [
    'refund',
    refundRequestSchema,
    seed001Requests.refundRequest,
    refundResponseSchema,
    seed001Answers.refundResponse,
  ],
  [
    'cancelauthorization',
    cancelAuthorizationRequestSchema,
    seed001Requests.cancelAuthorizationRequest,
    cancelAuthorizationResponseSchema,
    seed001Answers.cancelAuthorizationResponse,
  ],
  [
    'authorizedrequestpayment',
    authorizedRequestPaymentRequestSchema,
    seed001Requests.authorizedRequestPaymentRequest,
    authorizedRequestPaymentResponseSchema,
    seed001Answers.authorizedRequestPaymentResponse,
  ],
  [
    'disabledirectdebit',
    disableDirectDebitRequestSchema,
    seed001Requests.disableDirectDebitRequest,
    disableDirectDebitResponseSchema,
    seed001Answers.disableDirectDebitResponse,
  ],
  [
    'ewalletbind',
    ewalletBindRequestSchema,
    seed001Requests.ewalletBindRequest,
    ewalletBindResponseSchema,
    seed001Answers.ewalletBindResponse,
  ],
  [
    'refundcancel',
    refundCancelRequestSchema,
    seed001Requests.refundCancelRequest,
    refundCancelResponseSchema,
    seed001Answers.refundCancelResponse,
  ],
  [
    'issueinvoice',
    issueInvoiceRequestSchema,
    seed001Requests.issueInvoiceRequest,
    issueInvoiceResponseSchema,
    seed001Answers.issueInvoiceResponse,
  ],
  [
    'invoice',
    invoiceRequestSchema,
    seed001Requests.invoiceRequest,
    invoiceResponseSchema,
    seed001Answers.invoiceResponse,
  ],
  [
    'paymentsupportpaymode',
    paymentSupportPayModeRequestSchema,
    seed001Requests.paymentSupportPayModeRequest,
    paymentSupportPayModeResponseSchema,
    seed001Answers.paymentSupportPayModeResponse,
  ],
] as const;

describe('seed 001 samples', () => {
  it.each(pairs)(
    '%s: the sample request and answer pass',
    (_name, request, sampleRequest, response, sampleAnswer) => {
      expect(request.safeParse(sampleRequest).success).toBe(true);
      const parsed = response.safeParse(JSON.parse(sampleAnswer));
      expect(parsed.error?.issues).toBeUndefined();
    },
  );

  it('normalises the PayPage string amounts of the sample order to numbers', () => {
    const order = ordersRequestSchema.parse(seed001Requests.ordersRequest);
    expect(order.items[0]).toEqual({ id: '1', name: '商品名稱', cost: 10, amount: 1, total: 10 });
    expect(z.encode(ordersRequestSchema, order).items[0]).toEqual({
      id: '1',
      name: '商品名稱',
      cost: 10,
      amount: 1,
      total: 10,
    });
  });

  it('reads the order query: numeric uid as text, empty JSON-in-string as null, object JSON-in-string parsed', () => {
    const state = queryOrderResponseSchema.parse(JSON.parse(seed001Answers.queryOrderResponse));
    expect(state.uid).toBe('59665');
    expect(state.prc).toBe('250');
    expect(state.cost).toBe(10);
    expect(state.redeem).toBeNull();
    expect(state.result_content).toEqual({});
    expect(state.invoice_order_detail).toEqual([]);
    expect(state.appropriation_date).toBe('20200318');
    expect(state.invoice_date?.toISOString()).toBe('2020-02-27T08:54:40.000Z');
  });

  it('reads the capture answer: empty finishtime is null, invoice details parsed', () => {
    const answer = authorizedRequestPaymentResponseSchema.parse(
      JSON.parse(seed001Answers.authorizedRequestPaymentResponse),
    );
    expect(answer.content?.prc).toBe('247');
    expect(answer.content?.finishtime).toBeNull();
    expect(answer.content?.actual_cost).toBe(0);
    expect(answer.content?.invoice_order_detail).toEqual([
      { Description: '商品名稱', Quantity: '1', UnitPrice: '10', Amount: '10' },
    ]);
  });

  it('reads the refund answer row and the refund-cancel answer without one', () => {
    const refund = refundResponseSchema.parse(JSON.parse(seed001Answers.refundResponse));
    expect(refund.row_data?.refund_uid).toBe('88834');
    expect(refund.row_data?.prc).toBe('230');
    const cancel = refundCancelResponseSchema.parse(JSON.parse(seed001Answers.refundCancelResponse));
    expect(cancel.code).toBe('B500');
    expect(cancel.row_data).toBeNull();
  });

  it('reads the supported payment tools as a list', () => {
    const answer = paymentSupportPayModeResponseSchema.parse(
      JSON.parse(seed001Answers.paymentSupportPayModeResponse),
    );
    expect(answer.content).toContain('CREDITCARD');
  });
});
