import {
  GatewayNotificationEntity,
  GatewayReportCountEntity,
  OperationEntity,
  OperatorItemEntity,
  SAMPLE_PARTNER,
} from '@tixclear/db';
import { httpBuildQuery } from '@tixclear/gateway-client';
import {
  linesOf,
  operationOf,
  paidPurchase,
  partnerReportsOf,
  servicesOf,
  simRedemptionsOf,
  simRequests,
  simVoucherOf,
  voucherOf,
} from './flows';
import { offlineRequest, purchaseReport, redeemRequest, refundRequest, uniqueId } from './requests';
import { eventually, type Stack } from './stack';
import { stackForSuite } from './suite';

/*
 * A gateway report is a hint, never an authority (issue 12 §1): it is unsigned, so anyone who can reach
 * /gateway/notify can send one. A report is stored (bounded) and answered `8888`, and only wakes the operation
 * it names, which our own query settles. These reports are forged the way an attacker would forge them; the
 * gateway (the simulator) is the only authority.
 */

const STORE = SAMPLE_PARTNER.partnerUid;

/** A report POSTed to /gateway/notify as the gateway sends it (PHP http_build_query form). */
async function sendReport(
  stack: Stack,
  fields: Record<string, unknown>,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${stack.apiUrl}/gateway/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: httpBuildQuery(fields),
  });
  return { status: response.status, text: await response.text() };
}

/** A redemption report claiming success for `orderId` (our upstream id) and `serials`, with no fee object. */
function forgedRedemption(orderId: string, serials: readonly string[]): Record<string, unknown> {
  return {
    code: '250',
    msg: '核銷成功',
    uid: '990001',
    key: 'f'.repeat(32),
    order_id: orderId,
    reimbursement_date: '20250301120000',
    items: serials.map((serial) => ({ id: 'H01', serial_number: serial, is_paid: 1 })),
  };
}

describe('gateway reports are hints, settled by our own query', () => {
  const stack = stackForSuite();

  /** Sends `request`; the partner is told to query (B200). Returns our operation for it. */
  async function answeredB200(command: string, request: { order_id: string }) {
    expect((await stack.call(command, request)).body).toMatchObject({ code: 'B200' });
    return (await operationOf(stack, request.order_id))!;
  }

  /** A redemption the gateway applied whose answer we lost and whose report it suppressed: unknown here. */
  async function lostRedemption(serials: readonly string[]) {
    stack.sim.control.addFaults([
      { command: 'vouchertransaction', fault: 'commit_then_drop', times: 1 },
      { command: 'vouchertransaction', fault: 'notify_suppress', times: 1 },
    ]);
    const request = redeemRequest(serials);
    return { request, unknown: await answeredB200('vouchertransaction', request) };
  }

  /** Fails an operation as the reconciler fails an order the gateway never received. */
  function failAsNeverReceived(operation: OperationEntity): Promise<unknown> {
    const { redemptions, refunds } = servicesOf(stack);
    const service = operation.command === 'voucherrefund' ? refunds : redemptions;
    return service.recordFailed(operation, 'B500', 'the gateway never received this order');
  }

  /** Sent while the gateway takes it past our timeout (it applies it later), then failed as never received. */
  async function failedAfterTimeout(
    command: 'vouchertransaction' | 'voucherrefund',
    request: { order_id: string },
  ) {
    stack.sim.control.addFaults({ command, fault: 'latency', ms: 4_500, times: 1 });
    const unknown = await answeredB200(command, request);
    await failAsNeverReceived(unknown);
    return unknown;
  }

  /** The late_outcome item raised for an operation, once it is there. */
  const lateOutcomeItem = (operationId: string) =>
    eventually(() =>
      stack.db.dataSource
        .getRepository(OperatorItemEntity)
        .findOneBy({ kind: 'late_outcome', reference: operationId })
        .then((i) => i ?? undefined),
    );

  async function reportsOf(operation: OperationEntity) {
    return stack.db.dataSource
      .getRepository(GatewayNotificationEntity)
      .findBy({ orderId: operation.upstreamOrderId });
  }

  async function settledReports(operation: OperationEntity) {
    return eventually(async () => {
      const reports = await reportsOf(operation);
      return reports.length > 0 && reports.every((r) => r.outcome !== 'pending') ? reports : undefined;
    });
  }

  it('a forged 250 for an unknown-outcome redemption neither settles it nor stores its uid/key; the query settles it with the genuine ones', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const { request, unknown } = await lostRedemption(purchase.serials);
    expect(unknown.state).toBe('outcome_unknown');

    const answer = await sendReport(stack, forgedRedemption(unknown.upstreamOrderId, purchase.serials));
    expect(answer).toEqual({ status: 200, text: '8888' });
    const [stored] = await settledReports(unknown);

    const genuine = simRedemptionsOf(stack, unknown.upstreamOrderId)[0]!;
    const settled = (await operationOf(stack, request.order_id))!;
    expect(settled).toMatchObject({
      state: 'succeeded',
      gatewayCode: '250',
      gatewayUid: String(genuine.uid),
      gatewayKey: genuine.key,
    });
    expect(stored?.outcome).toBe('settled');
    const lines = await linesOf(stack, { operationId: settled.id });
    expect(lines).toHaveLength(1);
    // The gateway's own fee object (from the query), not the forged report's missing one.
    expect(lines[0]?.gatewayFee).toEqual(lines[0]?.ourFee);
    expect(lines[0]?.feeIssue).toBeNull();
  });

  it('a forged 250 for a redemption still in flight changes nothing; the genuine answer settles it', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    stack.sim.control.addFaults({ command: 'vouchertransaction', fault: 'latency', ms: 1_500, times: 1 });
    const request = redeemRequest(purchase.serials);
    const call = stack.call('vouchertransaction', request);
    const inFlight = await eventually(() =>
      operationOf(stack, request.order_id).then((op) => op ?? undefined),
    );
    expect(inFlight.state).toBe('submitted');

    expect(await sendReport(stack, forgedRedemption(inFlight.upstreamOrderId, purchase.serials))).toEqual({
      status: 200,
      text: '8888',
    });
    await eventually(async () => ((await reportsOf(inFlight))[0]?.outcome !== 'pending' ? true : undefined));
    expect((await operationOf(stack, request.order_id))?.state).toBe('submitted');
    expect(await linesOf(stack, { serialNumber: purchase.serials[0]! })).toHaveLength(0);

    expect((await call).body).toMatchObject({ code: '250' });
    const genuine = simRedemptionsOf(stack, inFlight.upstreamOrderId)[0]!;
    expect(await operationOf(stack, request.order_id)).toMatchObject({
      state: 'succeeded',
      gatewayUid: String(genuine.uid),
      gatewayKey: genuine.key,
    });
    expect(await linesOf(stack, { operationId: inFlight.id })).toHaveLength(1);
  });

  it('a forged offline report naming an issued serial does not burn it', async () => {
    const purchase = await paidPurchase(stack, { amount: 2 });
    const [tokenSerial, named] = purchase.serials as [string, string];
    // An offline redemption of one voucher whose outcome is unknown (the gateway never took it).
    stack.sim.control.addFaults({ command: 'voucheroffline', fault: 'system_error', times: 1 });
    const request = offlineRequest({
      reimbursement_from_type: 1,
      reimbursement_store_uid: '398800730001',
      pay_token: simVoucherOf(stack, tokenSerial).payToken,
    });
    expect((await stack.call('voucheroffline', request)).body).toMatchObject({ code: 'B200' });
    const offline = (await operationOf(stack, request.order_id))!;
    expect(offline.state).toBe('outcome_unknown');

    // The forger names the partner's other, issued voucher.
    expect(await sendReport(stack, forgedRedemption(offline.upstreamOrderId, [named]))).toMatchObject({
      text: '8888',
    });
    await settledReports(offline);
    expect((await voucherOf(stack, named)).state).toBe('issued');
    expect(await linesOf(stack, { serialNumber: named })).toHaveLength(0);
    expect((await operationOf(stack, request.order_id))?.state).toBe('outcome_unknown');

    // It is still the partner's to redeem, and is paid when it is.
    const redeemed = await stack.call('vouchertransaction', redeemRequest([named]));
    expect(redeemed.body).toMatchObject({ code: '250' });
    expect(await linesOf(stack, { serialNumber: named })).toHaveLength(1);
  });

  it('a report for a failed redemption writes no line, so a later real redemption of the serial is paid', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    stack.sim.control.addFaults({ command: 'vouchertransaction', fault: 'system_error', times: 1 });
    const request = redeemRequest([serial]);
    const unknown = await answeredB200('vouchertransaction', request);
    // Failed, as the reconciler fails an order the gateway never received.
    await failAsNeverReceived(unknown);
    expect((await operationOf(stack, request.order_id))?.state).toBe('failed');

    expect(await sendReport(stack, forgedRedemption(unknown.upstreamOrderId, [serial]))).toMatchObject({
      text: '8888',
    });
    const [stored] = await settledReports(unknown);
    expect(stored?.outcome).not.toBe('late_outcome');
    expect(await linesOf(stack, { serialNumber: serial })).toHaveLength(0);
    expect((await operationOf(stack, request.order_id))?.state).toBe('failed');

    const again = redeemRequest([serial]);
    expect((await stack.call('vouchertransaction', again)).body).toMatchObject({ code: '250' });
    const real = (await operationOf(stack, again.order_id))!;
    const lines = await linesOf(stack, { serialNumber: serial });
    expect(lines.map((l) => l.operationId)).toEqual([real.id]);
  });

  it('a success learnt after we failed the redemption raises a late_outcome item and writes no line', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    // The gateway takes it only after our call has timed out (3 s): we see an unknown outcome.
    const request = redeemRequest([serial]);
    const unknown = await failedAfterTimeout('vouchertransaction', request);

    // The gateway then redeems it and reports: the report wakes the operation, the query finds the success.
    await eventually(() =>
      Promise.resolve(simRedemptionsOf(stack, unknown.upstreamOrderId).length ? true : undefined),
    );
    await stack.sim.control.notificationsSettled();
    const item = await lateOutcomeItem(unknown.id);
    expect(item).toMatchObject({ state: 'open', partnerId: unknown.partnerId });
    const genuine = simRedemptionsOf(stack, unknown.upstreamOrderId)[0]!;
    expect(item.details).toMatchObject({
      command: 'vouchertransaction',
      order_id: request.order_id,
      our_state: 'failed',
      gateway_status: 'committed',
      gateway: { code: '250', uid: String(genuine.uid), key: genuine.key },
      action: 'none',
    });
    expect((await settledReports(unknown)).map((r) => r.outcome)).toEqual(['late_outcome']);
    expect(await linesOf(stack, { serialNumber: serial })).toHaveLength(0);
    expect(await operationOf(stack, request.order_id)).toMatchObject({ state: 'failed', gatewayUid: null });
    expect((await voucherOf(stack, serial)).state).toBe('issued');
  });

  it('the partner’s query meets a late success too, and a failure reported for a success is a late outcome', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    // The gateway redeems it but we lose the answer and get no report; we then fail it.
    const { request: first, unknown: taken } = await lostRedemption([serial]);
    await failAsNeverReceived(taken);

    // The partner's own query learns the success: an operator item, no line.
    const query = await stack.call('voucherquery', { store_uid: STORE, order_id: first.order_id });
    expect(query.body).toMatchObject({ content: { code: '250' } });
    expect((await lateOutcomeItem(taken.id)).details).toMatchObject({
      our_state: 'failed',
      gateway_status: 'committed',
    });
    expect(await linesOf(stack, { serialNumber: serial })).toHaveLength(0);
    expect((await operationOf(stack, first.order_id))?.state).toBe('failed');

    // A second redemption of the serial is refused by the gateway (it is redeemed there). Were it recorded as a
    // success, the query a report wakes would contradict it.
    const second = redeemRequest([serial]);
    expect((await stack.call('vouchertransaction', second)).body).toMatchObject({ code: '300' });
    const refused = (await operationOf(stack, second.order_id))!;
    await stack.db.dataSource
      .getRepository(OperationEntity)
      .update({ id: refused.id }, { state: 'succeeded' });
    await sendReport(stack, forgedRedemption(refused.upstreamOrderId, [serial]));
    expect((await lateOutcomeItem(refused.id)).details).toMatchObject({
      our_state: 'succeeded',
      gateway_status: 'rejected',
      gateway: { code: '300' },
    });
  });

  it('a refund success learnt after we failed it is posted: vouchers refunded, operator item, partner told', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const serial = purchase.serials[0]!;
    const request = refundRequest([serial]);
    const unknown = await failedAfterTimeout('voucherrefund', request);
    expect((await voucherOf(stack, serial)).state).toBe('issued');

    await stack.sim.control.notificationsSettled();
    const item = await lateOutcomeItem(unknown.id);
    expect(item.details).toMatchObject({
      command: 'voucherrefund',
      our_state: 'failed',
      gateway: { code: '230' },
      action: 'refund_posted',
      refunded: [serial],
      not_refunded: [],
    });
    expect(await operationOf(stack, request.order_id)).toMatchObject({
      state: 'succeeded',
      gatewayCode: '230',
    });
    expect(await voucherOf(stack, serial)).toMatchObject({
      state: 'refunded',
      holderOperationId: unknown.id,
    });
    const reports = await partnerReportsOf(stack, unknown.id);
    expect(reports.map((r) => [r.event, r.payload.code]).sort()).toEqual([
      ['refund', 'B500'],
      ['refund_corrected', '230'],
    ]);
  });

  it('counts reports for orders we do not know, one row per day, kind and outcome, not one row each', async () => {
    const rows = () => stack.db.dataSource.getRepository(GatewayNotificationEntity).count();
    const count = async () =>
      Number(
        (
          await stack.db.dataSource
            .getRepository(GatewayReportCountEntity)
            .findBy({ kind: 'purchase', outcome: 'unknown_order' })
        ).reduce((sum, r) => sum + Number(r.count), 0),
      );
    const storedBefore = await rows();
    const countedBefore = await count();
    const queriesBefore = simRequests(stack, 'voucherservicequery');

    const answers = await Promise.all(
      Array.from({ length: 40 }, () => sendReport(stack, purchaseReport(uniqueId('TXNOSUCH')))),
    );
    expect(answers.every((a) => a.status === 200 && a.text === '8888')).toBe(true);
    expect(await rows()).toBe(storedBefore);
    expect((await count()) - countedBefore).toBe(40);
    expect(simRequests(stack, 'voucherservicequery')).toBe(queriesBefore);
    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(metrics).toMatch(/tixclear_gateway_reports_total\{outcome="unknown_order"\} (\d+)/);
  });

  it('keeps at most 20 reports of one order and queries it a bounded number of times under a flood', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const { request, unknown } = await lostRedemption(purchase.serials);
    const queriesBefore = simRequests(stack, 'voucherquery');

    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        sendReport(stack, { ...forgedRedemption(unknown.upstreamOrderId, purchase.serials), uid: String(i) }),
      ),
    );
    expect(answers.every((a) => a.text === '8888')).toBe(true);
    await settledReports(unknown);
    expect(await reportsOf(unknown)).toHaveLength(20);
    const queries = simRequests(stack, 'voucherquery') - queriesBefore;
    expect(queries).toBeGreaterThanOrEqual(1);
    expect(queries).toBeLessThanOrEqual(20);
    expect((await operationOf(stack, request.order_id))?.state).toBe('succeeded');
    expect(await linesOf(stack, { operationId: unknown.id })).toHaveLength(1);
  });

  it('keeps a report whose query failed pending until the sweep settles it, and purges reports past their retention', async () => {
    const purchase = await paidPurchase(stack, { amount: 1 });
    const { request, unknown } = await lostRedemption(purchase.serials);

    // The gateway cannot answer the query the report wakes (every attempt gets a 503).
    stack.sim.control.addFaults({ command: 'voucherquery', fault: 'http_status', status: 503 });
    const queriesBefore = simRequests(stack, 'voucherquery');
    expect(
      await sendReport(stack, forgedRedemption(unknown.upstreamOrderId, purchase.serials)),
    ).toMatchObject({
      text: '8888',
    });
    await eventually(() =>
      Promise.resolve(simRequests(stack, 'voucherquery') - queriesBefore >= 3 ? true : undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    stack.sim.control.clearFaults();
    expect((await reportsOf(unknown)).map((r) => r.outcome)).toEqual(['pending']);
    expect((await operationOf(stack, request.order_id))?.state).toBe('outcome_unknown');

    // The worker's sweep, a few minutes later, asks again.
    const later = (ms: number) => servicesOf(stack, ms).notifications;
    expect(await later(5 * 60_000).sweep()).toMatchObject({ purged: 0, woken: 1 });
    expect((await reportsOf(unknown)).map((r) => r.outcome)).toEqual(['settled']);
    expect((await operationOf(stack, request.order_id))?.state).toBe('succeeded');
    expect(await linesOf(stack, { operationId: unknown.id })).toHaveLength(1);

    // Past the retention period (90 days by default) every report and daily count goes.
    const stored = await stack.db.dataSource.getRepository(GatewayNotificationEntity).count();
    expect(stored).toBeGreaterThan(0);
    expect((await later(91 * 86_400_000).sweep()).purged).toBe(stored);
    expect(await stack.db.dataSource.getRepository(GatewayNotificationEntity).count()).toBe(0);
    expect(await stack.db.dataSource.getRepository(GatewayReportCountEntity).count()).toBe(0);
  });

  it('refuses a report larger than NOTIFY_BODY_LIMIT_BYTES with 413 and a code, storing nothing', async () => {
    const rows = () => stack.db.dataSource.getRepository(GatewayNotificationEntity).count();
    const before = await rows();
    const big = { ...purchaseReport(uniqueId('TXBIG')), msg: 'x'.repeat(70 * 1024) };
    const answer = await sendReport(stack, big);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
    expect(await rows()).toBe(before);
  });
});

describe('the report source allow-list', () => {
  const stack = stackForSuite({ env: { NOTIFY_ALLOWED_SOURCES: '192.0.2.0/24, 2001:db8::1' } });

  it('refuses reports from other addresses with 403 SOURCE_NOT_ALLOWED, storing and counting nothing', async () => {
    const answer = await sendReport(stack, purchaseReport(uniqueId('TXSRC')));
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'SOURCE_NOT_ALLOWED' } });
    expect(await stack.db.dataSource.getRepository(GatewayNotificationEntity).count()).toBe(0);
    expect(await stack.db.dataSource.getRepository(GatewayReportCountEntity).count()).toBe(0);
  });
});
