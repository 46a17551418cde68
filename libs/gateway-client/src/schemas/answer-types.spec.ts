import type { z } from 'zod';
import { seed001Answers } from '../testing/seed-samples';
import { issueInvoiceResponseSchema } from './issueinvoice';
import { invoiceResponseSchema } from './invoice';
import { ordersResponseSchema } from './orders';
import { queryOrderResponseSchema } from './queryorder';
import { refundResponseSchema } from './refund';

/*
 * Our /api/init answers are the gateway's answer decoded and encoded again (`toWire`): each field a seed 001 sample
 * answer has comes back with the sample's JSON type (`"uid": 81127` stays a number, `"sales_amount": "10"` text).
 */

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** `path: sample type≠encoded type` for each field of `sample` whose type the round trip changed. */
function retyped(sample: unknown, encoded: unknown, path = ''): string[] {
  if (typeOf(sample) !== typeOf(encoded)) return [`${path}: ${typeOf(sample)}≠${typeOf(encoded)}`];
  if (typeOf(sample) !== 'object') return [];
  const after = encoded as Record<string, unknown>;
  return Object.entries(sample as Record<string, unknown>).flatMap(([key, value]) =>
    key in after ? retyped(value, after[key], path ? `${path}.${key}` : key) : [],
  );
}

describe("seed 001's sample answers keep their JSON types through decode and encode", () => {
  it.each([
    ['orders', ordersResponseSchema, seed001Answers.ordersResponse],
    ['queryorder', queryOrderResponseSchema, seed001Answers.queryOrderResponse],
    ['refund', refundResponseSchema, seed001Answers.refundResponse],
    ['issueinvoice', issueInvoiceResponseSchema, seed001Answers.issueInvoiceResponse],
    ['invoice', invoiceResponseSchema, seed001Answers.invoiceResponse],
  ] as const)('%s', (_command, schema: z.ZodType, text: string) => {
    const sample = JSON.parse(text) as unknown;
    const encoded = schema.encode(schema.parse(sample));
    expect(retyped(sample, encoded)).toEqual([]);
  });

  it('an identifier that is not a plain integer stays text', () => {
    const answer = { code: '200', msg: '', uid: '0012', key: 'k', url: 'u' };
    expect(ordersResponseSchema.encode(ordersResponseSchema.parse(answer)).uid).toBe('0012');
  });
});
