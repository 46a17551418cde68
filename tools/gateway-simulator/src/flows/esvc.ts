import { formatTaiwanTimestamp } from '@tixclear/domain';
import { executed, executionFailed, MSG } from '../answers';
import type { Merchant } from '../merchants';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { refundMoney } from './money-refund';

/*
 * api/esvcrefund (seed 003 電票退款): refund (partly) a paid order by its uid and key, store or dealer mode
 * (a dealer names the store in `store_uid`). `code` is B200 with `row_data` (『電票交易退款完成資訊』) or B500.
 */

export function esvcRefund(
  services: Services,
  _merchant: Merchant,
  request: RequestFor<'esvcrefund'>,
): FlowResult {
  const outcome = refundMoney(services, request.store_uid, request, 'esvcrefund', request.device_id ?? null);
  if (!outcome.ok)
    return unchanged({ key: request.key, uid: request.uid, ...executionFailed(outcome.detail) });
  const { order, refund } = outcome;
  return changed({
    key: order.key,
    uid: String(order.uid),
    ...executed(),
    row_data: {
      uid: String(order.uid),
      refund_uid: String(refund.refundUid),
      key: order.key,
      code: '230',
      msg: MSG.refunded,
      finishtime: formatTaiwanTimestamp(refund.at),
      order_id: order.orderId,
      user_id: order.userId,
      cost: String(refund.cost),
      currency: order.currency,
      actual_cost: String(refund.cost),
      actual_currency: order.currency,
      pfn: order.pfn,
      ...order.echo,
    },
  });
}
