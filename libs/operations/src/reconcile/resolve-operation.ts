import type { OperationEntity } from '@tixclear/db';
import type { PaymentResolver } from '../payments/payment-resolver';
import type { GatewayClient, Resolution } from '@tixclear/gateway-client';
import { toWire } from '../requests/validation';

export type OperationResolution = Resolution<Record<string, unknown> & { code: string }>;

/** The query command that tells each mutating command's outcome (docs/protocol.md §3). */
const QUERY_OF = {
  voucherservicepurchase: 'voucherservicequery',
  vouchertransaction: 'voucherquery',
  voucheroffline: 'voucherquery',
  voucherrefund: 'voucherrefundquery',
} as const;

/**
 * What the gateway says of one of our operations, asked over our own authenticated channel (the matching
 * query command, under our upstream order id). The one way the engine learns an outcome it did not get as the
 * call's answer: the partner's query, the reconciler and a woken report all come here.
 */
export function resolveOperation(
  client: GatewayClient,
  operation: OperationEntity,
  payments?: PaymentResolver,
): Promise<OperationResolution> {
  // PayPage operations (api/orders, api/refund, api/esvcrefund) are asked through api/queryorder.
  if (payments?.handles(operation.command)) return payments.resolve(client, operation);
  const orderId = operation.upstreamOrderId;
  switch (operation.command) {
    case 'voucherservicepurchase':
      return client.resolveVoucherPurchase(orderId);
    case 'vouchertransaction':
      return client.resolveVoucherRedeem(orderId);
    case 'voucheroffline':
      return client.resolveVoucherOffline(orderId);
    case 'voucherrefund':
      return client.resolveVoucherRefund(orderId);
    default:
      return Promise.resolve({ status: 'not_found' });
  }
}

/**
 * A query's content back in its wire form (what the partner's report and the stored answer carry), or
 * undefined when it does not encode (then the services keep only its code, as for the reconciler).
 */
export function resolutionWire(
  operation: Pick<OperationEntity, 'command'>,
  resolution: OperationResolution,
): Record<string, unknown> | undefined {
  if (resolution.status === 'not_found') return undefined;
  const query = QUERY_OF[operation.command as keyof typeof QUERY_OF] as
    (typeof QUERY_OF)[keyof typeof QUERY_OF] | undefined;
  if (!query) return undefined;
  try {
    const wire = toWire(query, { code: 'B200', content: resolution.result });
    const content = wire.content;
    return content && typeof content === 'object' ? (content as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
