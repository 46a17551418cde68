import { KeyRing } from '@tixclear/crypto';
import { GatewayClient } from './client';
import { PAYOFF_NOT_FOUND_CODE } from './commands';
import { GatewayError } from './errors';
import { FakeGateway } from './testing/fake-gateway';
import { SAMPLE_STORE_KEY, SAMPLE_STORE_UID, seed000Answers } from './testing/seed-samples';

/* Resolving unknown outcomes through the queries, against the local gateway. */

const keyRing = new KeyRing([
  {
    id: 'k1',
    secret: SAMPLE_STORE_KEY,
    validFrom: new Date('2023-06-01T00:00:00Z'),
    validUntil: new Date('2024-06-01T00:00:00Z'),
  },
]);
const gateway = new FakeGateway(SAMPLE_STORE_KEY);
let client: GatewayClient;

beforeAll(async () => {
  await gateway.start();
  client = new GatewayClient({
    baseUrl: gateway.url,
    merchant: { mode: 'store', uid: SAMPLE_STORE_UID, keyRing },
    clock: () => new Date('2024-01-05T04:00:00Z'),
    sleep: () => Promise.resolve(),
    retry: { maxAttempts: 2 },
  });
});
afterAll(async () => {
  await gateway.stop();
});
beforeEach(() => gateway.reset());

const redemptionQuery = JSON.parse(seed000Answers.redemptionQueryResponse) as {
  content: Record<string, unknown>;
};
const withContentCode = (answer: { content: Record<string, unknown> }, code: string): unknown => ({
  ...answer,
  content: { ...answer.content, code },
});

describe('resolving a redemption', () => {
  it('250 → committed, by the same order_id, through voucherquery', async () => {
    gateway.script = () => ({ json: redemptionQuery });
    const resolution = await client.resolveVoucherRedeem('VT20210917134815');
    expect(resolution.status).toBe('committed');
    expect(gateway.received[0]?.service).toEqual({ service_name: 'api', cmd: 'api/voucherquery' });
    expect(gateway.received[0]?.data).toEqual({ store_uid: SAMPLE_STORE_UID, order_id: 'VT20210917134815' });
  });

  it('300 → rejected; 400 → pending', async () => {
    gateway.script = () => ({ json: withContentCode(redemptionQuery, '300') });
    expect((await client.resolveVoucherRedeem('x')).status).toBe('rejected');
    gateway.script = () => ({ json: withContentCode(redemptionQuery, '400') });
    expect((await client.resolveVoucherRedeem('x')).status).toBe('pending');
  });

  it('only the explicit refusal (B500) → not_found', async () => {
    gateway.script = () => ({ json: { code: 'B500', msg: '查無資料' } });
    expect(await client.resolveVoucherRedeem('x')).toEqual({ status: 'not_found' });
    expect(await client.resolveVoucherOffline('x')).toEqual({ status: 'not_found' });
    expect(await client.resolveVoucherPurchase('x')).toEqual({ status: 'not_found' });
    expect(await client.resolveVoucherRefund('x')).toEqual({ status: 'not_found' });
  });

  it('a 100 (our request refused) or an accepted answer without a record is no evidence: it throws', async () => {
    gateway.script = () => ({ json: { code: '100', msg: '資料不正確' } });
    await expect(client.resolveVoucherRedeem('x')).rejects.toMatchObject({ code: 'GATEWAY_REJECTED' });
    await expect(client.resolveVoucherOffline('x')).rejects.toMatchObject({ gatewayCode: '100' });
    await expect(client.resolveVoucherPurchase('x')).rejects.toMatchObject({ gatewayCode: '100' });
    gateway.script = () => ({ json: { code: 'B200', msg: '執行成功' } });
    await expect(client.resolveVoucherRedeem('x')).rejects.toMatchObject({ reason: 'schema_mismatch' });
    await expect(client.resolveVoucherRefund('x')).rejects.toMatchObject({ reason: 'schema_mismatch' });
  });

  it('an unavailable gateway is not a resolution: the error propagates', async () => {
    gateway.script = () => ({ status: 503, text: '' });
    await expect(client.resolveVoucherRedeem('x')).rejects.toMatchObject({ code: 'GATEWAY_UNAVAILABLE' });
    expect(gateway.received).toHaveLength(2);
  });
});

describe('resolving a purchase and a refund', () => {
  const purchaseQuery = JSON.parse(seed000Answers.purchaseQueryResponse) as {
    content: Record<string, unknown>;
  };

  it.each([
    ['250', 'committed'],
    ['600', 'committed'],
    ['290', 'committed'],
    ['260', 'pending'],
    ['A0001', 'pending'],
    ['300', 'rejected'],
    ['380', 'rejected'],
    ['A0002', 'rejected'],
  ])('purchase %s → %s', async (code, status) => {
    gateway.script = () => ({ json: withContentCode(purchaseQuery, code) });
    expect((await client.resolveVoucherPurchase('VS20210908120309')).status).toBe(status);
  });

  it('refund 230 → committed, through voucherrefundquery', async () => {
    gateway.script = () => ({ json: JSON.parse(seed000Answers.refundQueryResponse) });
    expect((await client.resolveVoucherRefund('VR20211001112859')).status).toBe('committed');
    expect(gateway.received[0]?.service).toEqual({ service_name: 'api', cmd: 'api/voucherrefundquery' });
  });
});

describe('resolving pay-off batches', () => {
  const item = (id: string, code: string) => ({
    id,
    user_id: 'u',
    money: 100,
    finished_date: '',
    code,
    msg: '',
  });
  const batch = (code: string, items: unknown[]) => ({
    code: 'B200',
    msg: 'ok',
    content: { uid: '9', key: 'k', code, msg: '', store_uid: SAMPLE_STORE_UID, group_id: 'G1', items },
  });

  it('creation: the batch exists → committed; unknown → not_found', async () => {
    gateway.script = () => ({ json: batch('S01', [item('P1', 'C0001')]) });
    expect((await client.resolvePayoffCreate('G1')).status).toBe('committed');
    expect(gateway.received[0]?.data).toEqual({ store_uid: SAMPLE_STORE_UID, group_id: 'G1' });
    gateway.script = () => ({ json: { code: PAYOFF_NOT_FOUND_CODE, msg: 'none' } });
    expect((await client.resolvePayoffCreate('G1')).status).toBe('not_found');
  });

  it('only the explicit not-found code is "not found": another refusal or an empty answer throws', async () => {
    for (const json of [
      { code: 'B500', msg: 'none' },
      { code: '100', msg: 'dup' },
      { code: 'B200', msg: '' },
    ]) {
      gateway.script = () => ({ json });
      await expect(client.resolvePayoffCreate('G1')).rejects.toBeInstanceOf(GatewayError);
      await expect(client.resolvePayoffCovering('G1', ['P1'])).rejects.toBeInstanceOf(GatewayError);
    }
    gateway.script = () => ({ json: { code: PAYOFF_NOT_FOUND_CODE, msg: 'none' } });
    expect((await client.resolvePayoffCovering('G1', ['P1'])).status).toBe('not_found');
  });

  it('covering: re-queued items → committed; still failed in S05 → not_found; remitting → pending', async () => {
    gateway.script = () => ({ json: batch('S01', [item('P1', 'C0001'), item('P2', 'C1001')]) });
    expect((await client.resolvePayoffCovering('G1', ['P1'])).status).toBe('committed');
    gateway.script = () => ({ json: batch('S05', [item('P1', 'C2001'), item('P2', 'C1001')]) });
    expect((await client.resolvePayoffCovering('G1', ['P1'])).status).toBe('not_found');
    gateway.script = () => ({ json: batch('S03', [item('P1', 'C2001')]) });
    expect((await client.resolvePayoffCovering('G1', ['P1'])).status).toBe('pending');
  });
});
