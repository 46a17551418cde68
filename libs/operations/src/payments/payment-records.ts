import { OperationEntity, type PartnerContext } from '@tixclear/db';
import { In, type DataSource } from 'typeorm';
import { requestHash } from '../requests/request-hash';
import { OperationError, OperationErrorCode } from '../errors';

/** The PayPage commands the engine drives, by the operation kind that records them. */
export const PAYMENT_COMMAND = 'orders';
/** A later charge of a recurring agreement (kind `payment` too): no command we send, a charge the gateway made. */
export const RECURRING_CHARGE_COMMAND = 'recurring_charge';
export const MONEY_REFUND_COMMANDS = ['refund', 'esvcrefund'] as const;
/** The other PayPage writes on an order named by uid and key (kind `pay_action`). */
export const PAYMENT_ACTION_COMMANDS = [
  'refundcancel',
  'issueinvoice',
  'authorizedrequestpayment',
  'cancelauthorization',
  'disabledirectdebit',
  'ewalletbind',
] as const;
export type PaymentActionCommand = (typeof PAYMENT_ACTION_COMMANDS)[number];
export type MoneyRefundCommand = (typeof MONEY_REFUND_COMMANDS)[number];

/** The orders a money refund may name: a PayPage payment (api/refund), or a voucher purchase too (esvcrefund). */
export const REFUNDABLE: Readonly<Record<MoneyRefundCommand, readonly string[]>> = {
  refund: [PAYMENT_COMMAND],
  esvcrefund: [PAYMENT_COMMAND, 'voucherservicepurchase'],
};

/** Event of the partner report of a settled payment, and of a settled money refund. */
export const PAYMENT_REPORT = 'payment';
export const MONEY_REFUND_REPORT = 'payment_refund';
export const PAYMENT_ACTION_REPORT = 'payment_action';

export function isPaymentCommand(command: string): boolean {
  return (
    command === PAYMENT_COMMAND ||
    (MONEY_REFUND_COMMANDS as readonly string[]).includes(command) ||
    (PAYMENT_ACTION_COMMANDS as readonly string[]).includes(command)
  );
}

/**
 * The partner's own order the gateway knows as (`uid`, `key`), among `commands`; otherwise `ORDER_NOT_FOUND`
 * naming `uid` (the same answer for a wrong key, another partner's order or none: no oracle). A partner only
 * ever reaches its own orders, whatever uid it names.
 */
export async function ownOrderByUid(
  dataSource: DataSource,
  partner: PartnerContext,
  uid: string,
  key: string,
  commands: readonly string[],
): Promise<OperationEntity> {
  const operation = await dataSource
    .getRepository(OperationEntity)
    .findOneBy({ partnerId: partner.partner.id, gatewayUid: uid, command: In([...commands]) });
  if (!operation || operation.gatewayKey !== key) {
    throw new OperationError(OperationErrorCode.OrderNotFound, 'no such order', 'uid');
  }
  return operation;
}

/** The partner's payment (api/orders) by its own order id; `ORDER_NOT_FOUND` naming `order_id` otherwise. */
export async function ownPayment(
  dataSource: DataSource,
  partner: PartnerContext,
  orderId: string,
  commands: readonly string[] = [PAYMENT_COMMAND],
): Promise<OperationEntity> {
  const operation = await dataSource
    .getRepository(OperationEntity)
    .findOneBy({ partnerId: partner.partner.id, orderId, command: In([...commands]) });
  if (!operation) throw new OperationError(OperationErrorCode.OrderNotFound, 'no such order', 'order_id');
  return operation;
}

/** The gateway names orders by our upstream order id: the partner sees its own order id in its place. */
export function withPartnerOrderId(
  body: Record<string, unknown>,
  order: Pick<OperationEntity, 'orderId'>,
): Record<string, unknown> {
  return 'order_id' in body ? { ...body, order_id: order.orderId } : body;
}

/** PayPage operations hold no vouchers: the unknown outcome moves none. */
export const NO_HOLD = ['none', 'none'] as const;

/**
 * The operation id of a PayPage write whose request carries none (refund, refund cancel, capture…): a prefix,
 * the request's hash, and how many identical requests failed before. An identical repeat is the same operation
 * (its stored answer, never a second write); only after it failed does the same request make a new attempt.
 */
export async function derivedOrderId(
  dataSource: DataSource,
  partnerId: string,
  prefix: string,
  command: string,
  wire: unknown,
): Promise<string> {
  const base = `${prefix}${requestHash({ command, wire }).slice(0, 40)}`;
  const failed = await dataSource
    .getRepository(OperationEntity)
    .createQueryBuilder('o')
    .where('o.partner_id = :partner AND o.order_id LIKE :prefix AND o.state = :failed', {
      partner: partnerId,
      prefix: `${base}.%`,
      failed: 'failed',
    })
    .getCount();
  return `${base}.${failed}`;
}
