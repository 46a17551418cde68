import { z } from 'zod';
import { formatTaiwanTimestamp } from '@tixclear/domain';
import { seed000Answers, seed000Requests, SAMPLE_STORE_UID } from '../testing/seed-samples';
import { voucherQueryRequestSchema, voucherQueryResponseSchema } from './voucherquery';
import { voucherRefundRequestSchema, voucherRefundResponseSchema } from './voucherrefund';
import { voucherRefundQueryRequestSchema, voucherRefundQueryResponseSchema } from './voucherrefundquery';
import {
  voucherServicePurchaseRequestSchema,
  voucherServicePurchaseResponseSchema,
} from './voucherservicepurchase';
import { voucherServiceQueryRequestSchema, voucherServiceQueryResponseSchema } from './voucherservicequery';
import { voucherTransactionRequestSchema, voucherTransactionResponseSchema } from './vouchertransaction';

/* The seed 000 samples, verbatim, through the schemas: requests as the sample clients build them, answers as printed. */

describe('seed 000 sample requests', () => {
  it('accepts the sample purchase and normalises it', () => {
    const request = voucherServicePurchaseRequestSchema.parse(seed000Requests.purchaseRequest);
    const item = request.items[0];
    expect(request.cost).toBe(100);
    expect(item?.serial_numbers).toEqual(['A00049', 'A00050']);
    expect(item?.gift_serial_numbers).toEqual([]);
    expect(item?.sharing).toEqual({ headquarters: '0.15', sales: '0.1', reimbursement: '0.75' });
    expect(item?.trust_start_date).toBe('20210917');
  });

  it('encodes the normalised purchase back to the same wire object', () => {
    const request = voucherServicePurchaseRequestSchema.parse(seed000Requests.purchaseRequest);
    expect(z.encode(voucherServicePurchaseRequestSchema, request)).toEqual(seed000Requests.purchaseRequest);
  });

  it.each([
    ['purchase query', voucherServiceQueryRequestSchema, seed000Requests.purchaseQueryRequest],
    ['redemption', voucherTransactionRequestSchema, seed000Requests.redemptionRequest],
    ['redemption query', voucherQueryRequestSchema, seed000Requests.redemptionQueryRequest],
    ['refund', voucherRefundRequestSchema, seed000Requests.refundRequest],
    ['refund query', voucherRefundQueryRequestSchema, seed000Requests.refundQueryRequest],
  ] as const)('accepts the sample %s request and round-trips it', (_name, schema, sample) => {
    const parsed: unknown = schema.parse(sample);
    expect(z.encode(schema as z.ZodType, parsed)).toEqual(sample);
  });

  it('refuses an unknown request key (requests are strict)', () => {
    const result = voucherQueryRequestSchema.safeParse({
      ...seed000Requests.redemptionQueryRequest,
      extra: 1,
    });
    expect(result.success).toBe(false);
  });
});

describe('seed 000 sample answers', () => {
  it('reads the purchase answer (PHP-escaped URL)', () => {
    const answer = voucherServicePurchaseResponseSchema.parse(JSON.parse(seed000Answers.purchaseResponse));
    expect(answer.code).toBe('200');
    expect(answer.uid).toBe('93');
    expect(answer.url).toBe('https://pay.usecase.cc/voucher/93.html');
  });

  it('reads the purchase query answer: amounts as numbers, finishtime as an instant', () => {
    const answer = voucherServiceQueryResponseSchema.parse(JSON.parse(seed000Answers.purchaseQueryResponse));
    expect(answer.code).toBe('B200');
    expect(answer.content?.code).toBe('250');
    expect(answer.content?.cost).toBe(100);
    expect(answer.content?.actual_cost).toBe(100);
    expect(answer.content?.finishtime?.toISOString()).toBe('2021-09-16T08:42:12.000Z');
  });

  it('reads the redemption answer: sharing 0.15/0.1/0.75 as exact decimals and the fee split', () => {
    const answer = voucherTransactionResponseSchema.parse(JSON.parse(seed000Answers.redemptionResponse));
    expect(answer.code).toBe('250');
    expect(answer.order_id).toBe('VT20210917114023');
    expect(formatTaiwanTimestamp(answer.reimbursement_date)).toBe('20210917134815');
    expect(answer.items).toHaveLength(2);
    const first = answer.items[0];
    expect(first?.is_paid).toBe(1);
    expect(first?.sharing).toEqual({ headquarters: '0.15', sales: '0.1', reimbursement: '0.75' });
    expect(first?.fee).toEqual({
      cost: 50,
      gateway_fee: 1,
      escrow_fee: 1,
      issuance_layer: 2,
      issuance_fee: 1,
      headquarters: 7,
      sales: 5,
      reimbursement: 35,
    });
  });

  it('reads the redemption query answer', () => {
    const answer = voucherQueryResponseSchema.parse(JSON.parse(seed000Answers.redemptionQueryResponse));
    expect(answer.content?.code).toBe('250');
    expect(answer.content?.items?.map((i) => i.serial_number)).toEqual(['A00005', 'A00006']);
  });

  it('reads the refund answer and the refund query answer', () => {
    const refund = voucherRefundResponseSchema.parse(JSON.parse(seed000Answers.refundResponse));
    expect(refund.code).toBe('230');
    expect(refund.items).toEqual([{ id: 'H01', serial_number: 'A00052' }]);
    expect(formatTaiwanTimestamp(refund.refund_date)).toBe('20211001112900');
    const query = voucherRefundQueryResponseSchema.parse(JSON.parse(seed000Answers.refundQueryResponse));
    expect(query.content?.code).toBe('230');
  });

  it('keeps unknown answer keys (answers are loose)', () => {
    const wire = { ...JSON.parse(seed000Answers.purchaseResponse), new_field: 'x' } as unknown;
    expect(voucherServicePurchaseResponseSchema.parse(wire)).toMatchObject({ new_field: 'x' });
  });

  it('uses the sample merchant', () => {
    expect(seed000Requests.purchaseRequest.store_uid).toBe(SAMPLE_STORE_UID);
  });
});
