import { decryptJson } from '@tixclear/crypto';
import { SAMPLE_PARTNER } from '@tixclear/db';
import { commands, type CommandName } from '@tixclear/gateway-client';
import { operationErrorAnswers } from '@tixclear/operations';
import type { z } from 'zod';
import { answerExamples, errorExamples, moreRequestExamples, requestExamples } from './openapi-examples';
import { restErrorStatus } from './rest-errors';

/*
 * The document's examples are what the API takes and gives: each request passes the schema the API validates
 * it with (a REST body with the store_uid its API key adds, but the offline one), each answer's data the
 * command's answer schema.
 */

const STORE = SAMPLE_PARTNER.partnerUid;
const parse = (command: CommandName, side: 'request' | 'response', value: unknown) =>
  (commands[command][side] as z.ZodType).safeParse(value);

describe('the OpenAPI examples', () => {
  it.each([
    ['PurchaseRequest', 'voucherservicepurchase', { store_uid: STORE }],
    ['RedemptionRequest', 'vouchertransaction', { store_uid: STORE }],
    ['OfflineRedemptionRequest', 'voucheroffline', {}],
    ['RefundRequest', 'voucherrefund', { store_uid: STORE }],
    ['PaymentRequest', 'orders', { store_uid: STORE }],
    ['EwalletBindingRequest', 'ewalletbind', { store_uid: STORE }],
    ['DirectDebitStopRequest', 'disabledirectdebit', { store_uid: STORE, order_id: 'QS-PAY1' }],
  ] as const)('%s is a valid %s request', (name, command, added) => {
    const result = parse(command, 'request', { ...added, ...requestExamples[name] });
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('the store-mode purchase leaves the numbering to the gateway and is a valid request', () => {
    const { value } = moreRequestExamples.PurchaseRequest.PurchaseRequestGatewaySerials;
    expect(value.items.map((item) => [item.is_custom_serial, 'serial_numbers' in item])).toEqual([
      [0, false],
    ]);
    const result = parse('voucherservicepurchase', 'request', { store_uid: STORE, ...value });
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it.each([
    ['Purchase', 'voucherservicepurchase'],
    ['Redemption', 'vouchertransaction'],
    ['OfflineRedemption', 'voucheroffline'],
    ['Refund', 'voucherrefund'],
    ['PurchaseQuery', 'voucherservicequery'],
    ['RedemptionQuery', 'voucherquery'],
    ['RefundQuery', 'voucherrefundquery'],
    ['Payment', 'orders'],
    ['PaymentQuery', 'queryorder'],
    ['PaymentRefund', 'refund'],
    ['ETicketRefund', 'esvcrefund'],
    ['Capture', 'authorizedrequestpayment'],
    ['AuthorizationCancel', 'cancelauthorization'],
    ['RefundCancel', 'refundcancel'],
    ['InvoiceIssue', 'issueinvoice'],
    ['Invoice', 'invoice'],
    ['PayModes', 'paymentsupportpaymode'],
    ['DirectDebitStop', 'disabledirectdebit'],
    ['EwalletBinding', 'ewalletbind'],
  ] as const)("%s's data is a valid %s answer", (name, command) => {
    const result = parse(command, 'response', answerExamples[name].data);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it.each([
    ['PaymentRefundRequest', 'refund'],
    ['ETicketRefundRequest', 'esvcrefund'],
  ] as const)('%s is a valid %s request once the order named gives its uid and key', (name, command) => {
    const { refund_order_id: refundOrderId, ...body } = requestExamples[name] as Record<string, unknown>;
    const { order_id: _order, ...rest } = body;
    expect(typeof refundOrderId).toBe('string');
    const wire = { ...rest, store_uid: STORE, uid: '81127', key: '9f0f1d8c6e2a4b7d8e3c5a1b2d4f6e8a' };
    expect(parse(command, 'request', wire).error?.issues ?? []).toEqual([]);
  });

  it.each([
    ['CaptureRequest', 'authorizedrequestpayment'],
    ['InvoiceIssueRequest', 'issueinvoice'],
    ['EmptyRequest', 'cancelauthorization'],
  ] as const)('%s is a valid %s request once the payment named gives its uid and key', (name, command) => {
    const wire = {
      ...requestExamples[name],
      store_uid: STORE,
      uid: '81127',
      key: '9f0f1d8c6e2a4b7d8e3c5a1b2d4f6e8a',
    };
    expect(parse(command, 'request', wire).error?.issues ?? []).toEqual([]);
  });

  it('has an envelope that opens with the sample partner key into a voucherquery of the redemption example', () => {
    const { service, encry_data: data, store_uid: uid } = requestExamples.EnvelopeRequest;
    expect(uid).toBe(STORE);
    expect(decryptJson(service, SAMPLE_PARTNER.key)).toEqual({
      service_name: 'api',
      cmd: 'api/voucherquery',
    });
    const request = decryptJson(data, SAMPLE_PARTNER.key);
    expect(parse('voucherquery', 'request', request).success).toBe(true);
    expect(request).toMatchObject({ order_id: answerExamples.EnvelopeAnswer.content.order_id });
    expect(parse('voucherquery', 'response', answerExamples.EnvelopeAnswer).success).toBe(true);
  });

  it('gives each error example a code the API answers with that status', () => {
    const statusOf = (code: string): number | undefined =>
      code in restErrorStatus
        ? restErrorStatus[code as keyof typeof restErrorStatus]
        : operationErrorAnswers[code as keyof typeof operationErrorAnswers]?.httpStatus;
    for (const [status, example] of Object.entries(errorExamples)) {
      const code = (example as { error: { code: string } }).error.code;
      expect({ code, status: statusOf(code) }).toEqual({ code, status: Number(status) });
    }
  });
});
