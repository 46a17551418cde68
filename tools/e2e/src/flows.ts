import { randomUUID } from 'node:crypto';
import {
  GatewayNotificationEntity,
  OperationEntity,
  PartnerNotificationEntity,
  RedemptionLineEntity,
  SAMPLE_PARTNER,
  VoucherEntity,
} from '@tixclear/db';
import { createOperations, gatewayPort } from '@tixclear/operations';
import { purchaseRequest } from './requests';
import { eventually, type Stack } from './stack';

/*
 * Steps the end-to-end specs share: a purchase paid on the simulator (its report issues the vouchers), row
 * counts of the tables a request may change, and the simulator's view of one of our operations.
 */

/** Buys vouchers through /api/init, pays them on the simulator, and waits until the report issued them. */
export async function paidPurchase(stack: Stack, options: { amount?: number; gifts?: number } = {}) {
  const purchase = purchaseRequest(options);
  const answer = await stack.call('voucherservicepurchase', purchase.request);
  if (answer.body.code !== '200') throw new Error(`purchase refused: ${JSON.stringify(answer.body)}`);
  const pay = await fetch(String(answer.body.url), { method: 'POST' });
  if (pay.status !== 200) throw new Error(`payment page answered ${pay.status}`);
  await eventually(async () => {
    const voucher = await stack.db.dataSource
      .getRepository(VoucherEntity)
      .findOneBy({ serialNumber: purchase.serials[0] ?? purchase.giftSerials[0] });
    return voucher?.state === 'issued' ? true : undefined;
  });
  return purchase;
}

/**
 * Waits until the simulator has delivered every report and each stored one has woken its operation (the query
 * a report wakes runs after its `8888`, so the gateway sees it after the delivery is settled).
 */
export async function reportsSettled(stack: Stack): Promise<void> {
  await stack.sim.control.notificationsSettled();
  await eventually(async () =>
    (await stack.db.dataSource.getRepository(GatewayNotificationEntity).countBy({ outcome: 'pending' })) === 0
      ? true
      : undefined,
  );
}

/**
 * The services as the worker wires them, in this process, over the stack's database and gateway; `aheadMs`
 * sets their clock that far in the future.
 */
export function servicesOf(stack: Stack, aheadMs = 0) {
  return createOperations({
    dataSource: stack.db.dataSource,
    registry: stack.registry,
    gateway: gatewayPort({ baseUrl: stack.sim.baseUrl, timeoutMs: 3_000 }),
    clock: { now: () => new Date(Date.now() + aheadMs) },
  });
}

/** Our operation for a partner order id. */
export function operationOf(stack: Stack, orderId: string): Promise<OperationEntity | null> {
  return stack.db.dataSource.getRepository(OperationEntity).findOneBy({ orderId });
}

export function voucherOf(stack: Stack, serial: string): Promise<VoucherEntity> {
  return stack.db.dataSource.getRepository(VoucherEntity).findOneByOrFail({ serialNumber: serial });
}

export function linesOf(stack: Stack, where: { serialNumber?: string; operationId?: string }) {
  return stack.db.dataSource.getRepository(RedemptionLineEntity).findBy(where);
}

export function partnerReportsOf(stack: Stack, operationId: string) {
  return stack.db.dataSource.getRepository(PartnerNotificationEntity).findBy({ operationId });
}

/** Rows of every table a partner request or a gateway report may change. */
export async function rowCounts(stack: Stack): Promise<Record<string, number>> {
  const ds = stack.db.dataSource;
  return {
    operations: await ds.getRepository(OperationEntity).count(),
    vouchers: await ds.getRepository(VoucherEntity).count(),
    redemption_lines: await ds.getRepository(RedemptionLineEntity).count(),
    partner_notifications: await ds.getRepository(PartnerNotificationEntity).count(),
    gateway_notifications: await ds.getRepository(GatewayNotificationEntity).count(),
  };
}

/** How many requests of `command` the simulator has received so far (faulted ones included). */
export function simRequests(stack: Stack, command: string): number {
  return stack.sim.state.requests.filter((r) => r.command === command).length;
}

/** The simulator's online redemptions of the sample store under our upstream order id. */
export function simRedemptionsOf(stack: Stack, upstreamOrderId: string) {
  return [...stack.sim.state.redemptions.values()].filter(
    (r) => r.merchantUid === SAMPLE_PARTNER.partnerUid && r.orderId === upstreamOrderId,
  );
}

/** The simulator's voucher behind one of our serials (its pay token, its status). */
export function simVoucherOf(stack: Stack, serial: string) {
  const voucher = stack.sim.state.vouchers.find(
    (v) => v.issuerUid === SAMPLE_PARTNER.partnerUid && v.customSerialNo === serial,
  );
  if (!voucher) throw new Error(`the simulator has no voucher ${serial}`);
  return voucher;
}

/**
 * Registers another platform (store mode) on the sample partner's upstream merchant: the specs show it never
 * reaches the sample partner's orders.
 */
export async function addPlatformOnSampleMerchant(stack: Stack, other: { uid: string; key: string }) {
  await stack.registry.add({
    partnerUid: other.uid,
    mode: 'store',
    name: 'another platform',
    notifyUrl: null,
    issuerId: SAMPLE_PARTNER.issuerId,
    key: other.key,
    upstream: { mode: 'store', uid: SAMPLE_PARTNER.partnerUid, key: SAMPLE_PARTNER.key },
    validFrom: new Date(Date.now() - 86_400_000),
  });
}

/** One call of the REST door with `apiKey`; a POST carries its JSON body and an Idempotency-Key (`key`). */
export async function restCall(
  stack: Stack,
  apiKey: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  key: string = randomUUID(),
) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': key }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}
