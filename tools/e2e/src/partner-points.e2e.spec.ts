import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  ensureSamplePartner,
  OperationEntity,
  PartnerRegistry,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { startSimulator, type RunningSimulator } from '@tixclear/gateway-simulator';
import { createOperations, gatewayPort, type Operations } from '@tixclear/operations';
import { purchaseRequest, uniqueId } from './requests';

/*
 * Parties belong to a partner (libs/operations partner-rules): an offline redemption names one of the
 * partner's registered points, and a dealer names one of its registered stores. Anything else is refused with
 * REQUEST_INVALID (protocol `100`) and the field, before anything is recorded or sent to the gateway.
 */

const STORE = SAMPLE_PARTNER.partnerUid;
const AGENT = 'A0000000001';

let sim: RunningSimulator;
let db: TestDatabase;
let registry: PartnerRegistry;
let ops: Operations;

beforeAll(async () => {
  sim = await startSimulator({ notifyUrl: null, log: () => undefined });
  db = await createTestDatabase();
  registry = new PartnerRegistry(db.dataSource, randomBytes(32));
  await ensureSamplePartner(registry);
  await registry.setPoint(STORE, {
    kind: 'dealer',
    pointRef: 'SHOP0042',
    name: 'own till',
    payoutAccount: null,
  });
  // A dealer platform paying through the sample store, with one store of its own and a counter numbered 7.
  await registry.add({
    partnerUid: AGENT,
    mode: 'agent',
    name: 'dealer platform',
    notifyUrl: null,
    issuerId: SAMPLE_PARTNER.issuerId,
    key: 'YWdlbnRhZ2VudGFnZW50YWdlbnRhZ2Vu',
    upstream: { mode: 'store', uid: STORE, key: SAMPLE_PARTNER.key },
    validFrom: new Date(Date.now() - 86_400_000),
  });
  await registry.setPoint(AGENT, {
    kind: 'store',
    pointRef: 'AGSTORE1',
    name: 'its store',
    payoutAccount: null,
  });
  await registry.setPoint(AGENT, { kind: 'dealer', pointRef: '7', name: 'its counter', payoutAccount: null });
  ops = createOperations({
    dataSource: db.dataSource,
    registry,
    gateway: gatewayPort({ baseUrl: sim.baseUrl, timeoutMs: 3_000 }),
    clock: { now: () => new Date() },
    random: () => 0.5,
  });
}, 60_000);
afterAll(async () => {
  await sim?.close();
  await db?.drop();
});
beforeEach(() => sim.control.reset());

const partner = async (uid: string) => (await registry.context(uid))!;
const sent = (command: string) => sim.control.requests().filter((r) => r.command === command).length;
const recorded = (orderId: string) => db.dataSource.getRepository(OperationEntity).countBy({ orderId });

function offlineRequest(fields: Record<string, unknown>) {
  return {
    order_id: uniqueId('VO'),
    pos_trade_time: '20250301120000',
    pay_token: 'MYTIX0000000000000001',
    ...fields,
  };
}

describe('the offline redemption point', () => {
  it.each([
    [
      'another partner’s counter',
      { reimbursement_from_type: 2, reimbursement_dealer_no: '7' },
      'reimbursement_dealer_no',
    ],
    [
      'an unknown counter',
      { reimbursement_from_type: 2, reimbursement_dealer_no: 'SHOP9999' },
      'reimbursement_dealer_no',
    ],
    [
      'another partner’s store',
      { reimbursement_from_type: 1, reimbursement_store_uid: 'AGSTORE1' },
      'reimbursement_store_uid',
    ],
    [
      'an unknown store (type 1 by default)',
      { reimbursement_store_uid: '398800730001' },
      'reimbursement_store_uid',
    ],
  ])('is refused when it is %s, before the gateway', async (_name, point, field) => {
    const request = offlineRequest(point);
    await expect(ops.offline.redeem(await partner(STORE), request)).rejects.toMatchObject({
      code: 'REQUEST_INVALID',
      field,
    });
    expect(sent('voucheroffline')).toBe(0);
    expect(await recorded(request.order_id)).toBe(0);
  });

  it('is taken to the gateway when it is one of the partner’s own', async () => {
    for (const point of [
      { reimbursement_from_type: 2, reimbursement_dealer_no: 'SHOP0042' },
      { reimbursement_from_type: 1, reimbursement_store_uid: STORE },
    ]) {
      await ops.offline.redeem(await partner(STORE), offlineRequest(point)).catch(() => undefined);
    }
    expect(sent('voucheroffline')).toBe(2);
  });
});

describe('a dealer’s store_uid', () => {
  it('is refused when it is not one of the agent’s stores, before the gateway', async () => {
    for (const storeUid of [STORE, 'ELSEWHERE1']) {
      const { request } = purchaseRequest({ amount: 1 });
      await expect(
        ops.purchases.purchase(await partner(AGENT), { ...request, store_uid: storeUid }),
      ).rejects.toMatchObject({ code: 'REQUEST_INVALID', field: 'store_uid' });
      expect(await recorded(request.order_id)).toBe(0);
    }
    expect(sent('voucherservicepurchase')).toBe(0);
  });

  it('is taken when it is one of the agent’s stores', async () => {
    const { request } = purchaseRequest({ amount: 1 });
    const answer = await ops.purchases.purchase(await partner(AGENT), { ...request, store_uid: 'AGSTORE1' });
    expect(answer.body.code).toBe('200');
    expect(sent('voucherservicepurchase')).toBe(1);
  });
});
