import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runInNewContext } from 'node:vm';
import {
  createTestDatabase,
  PartnerEntity,
  PartnerNotificationEntity,
  PartnerRegistry,
  PartnerReportSettings,
  ReportUrlError,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { recordReport } from './partner-outbox';
import { deliverReport, type DeliveryOptions } from './report-delivery';
import { resendReports } from './report-resend';

/*
 * Signed partner reports against a real PostgreSQL and a real HTTP receiver on loopback: what a partner checks
 * (the README's verification, written here as a partner would), rotation, and what delivery refuses to do.
 */

/** The partner's side, as in the README: Standard Webhooks verification with node:crypto only. */
function verify(secret: string, headers: IncomingHttpHeaders, body: string, toleranceSeconds = 300): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** The root README's verification snippet itself, run as a partner would run it. */
function readmeVerifier(): (secret: string, headers: IncomingHttpHeaders, body: string) => boolean {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
  const code = /## Partner reports[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error('README: no verification snippet under "Partner reports"');
  // Run as written, with what its import brings (and the globals it uses) in scope.
  return runInNewContext(`${code.replace(/^import .*$/m, '')}\nverifyReport;`, {
    createHmac,
    timingSafeEqual,
    Buffer,
  }) as (secret: string, headers: IncomingHttpHeaders, body: string) => boolean;
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A partner's report endpoint: records every request; each path answers its own way. */
class Receiver {
  readonly received: Received[] = [];
  readonly #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const redirect = /^\/redirect-(\d+)$/.exec(path);
        if (redirect) {
          response.writeHead(Number(redirect[1]), { location: `${this.url}/ok` });
          response.end();
        } else if (path === '/big') {
          // 8888 then a megabyte of blanks, streamed without a length: trimmed, it would read as 8888.
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.write('8888');
          const blanks = ' '.repeat(64 * 1024);
          for (let i = 0; i < 16; i += 1) response.write(blanks);
          response.end();
        } else if (path === '/fail') {
          // Answers late, so that deliveries started together are all in flight at once.
          setTimeout(() => {
            response.writeHead(500, { 'content-type': 'text/plain' });
            response.end('error');
          }, 50);
        } else {
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.end('8888\n');
        }
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

let db: TestDatabase;
let receiver: Receiver;
let settings: PartnerReportSettings;
let registry: PartnerRegistry;
let options: DeliveryOptions;
const masterKey = randomBytes(32);
const loopback = { allowLoopbackHttp: true };

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = new Receiver();
  await receiver.listen();
  registry = new PartnerRegistry(db.dataSource, masterKey, loopback);
  settings = new PartnerReportSettings(db.dataSource, masterKey, loopback);
  options = { signer: settings, reportUrls: loopback };
});
afterAll(async () => {
  await receiver?.close();
  await db?.drop();
});

let partners = 0;
/** A partner whose reports go to `path` on the receiver, with a fresh report secret. */
async function partner(path = '/ok'): Promise<{ entity: PartnerEntity; secret: string }> {
  partners += 1;
  const entity = await registry.add({
    partnerUid: `RPT${partners}`,
    mode: 'store',
    name: `report partner ${partners}`,
    notifyUrl: `${receiver.url}${path}`,
    issuerId: 'ISS1',
    key: SAMPLE_PARTNER.key,
  });
  const { secret } = await settings.rotateSecret(entity.partnerUid, { overlapMs: 0 });
  return { entity, secret };
}

/** A final operation of the partner with its report in the outbox, as an outcome's transaction writes them. */
async function reported(partnerId: string, orderId = randomUUID().slice(0, 20)): Promise<string> {
  return db.dataSource.transaction(async (tx) => {
    const [operation] = await tx.query<{ id: string }[]>(
      `INSERT INTO operations (partner_id, order_id, upstream_order_id, kind, command, request_hash, request, state)
       VALUES ($1, $2, $3, 'redemption', 'vouchertransaction', $4, '{}', 'succeeded') RETURNING id`,
      [partnerId, orderId, randomUUID().slice(0, 30), 'h'.repeat(64)],
    );
    const id = await recordReport(tx, {
      partnerId,
      operationId: operation!.id,
      event: 'redemption',
      payload: { code: '250', msg: 'ok', order_id: orderId, items: [{ serial_number: 'S1', price: 150 }] },
    });
    return id!;
  });
}

const stateOf = (id: string) =>
  db.dataSource.getRepository(PartnerNotificationEntity).findOneByOrFail({ id });

it('a partner verifies a signed report, delivered in the gateway form shape under the report id', async () => {
  const { entity, secret } = await partner();
  const id = await reported(entity.id);
  expect(await deliverReport(db.dataSource, id, options)).toBe('delivered');
  const [delivery] = receiver.received.filter((r) => r.headers['webhook-id'] === id);
  expect(delivery).toBeDefined();
  expect(delivery!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(new URLSearchParams(delivery!.body).get('items[0][serial_number]')).toBe('S1');
  expect(delivery!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  expect(verify(secret, delivery!.headers, delivery!.body)).toBe(true);
  expect(await stateOf(id)).toMatchObject({ state: 'delivered', attempts: 1 });
});

it("the README's snippet verifies a report and refuses it tampered, under another secret or stale", async () => {
  const verifyReport = readmeVerifier();
  const { entity, secret } = await partner();
  const id = await reported(entity.id);
  expect(await deliverReport(db.dataSource, id, options)).toBe('delivered');
  const delivery = receiver.received.find((r) => r.headers['webhook-id'] === id)!;
  expect(verifyReport(secret, delivery.headers, delivery.body)).toBe(true);
  expect(verifyReport(secret, delivery.headers, `${delivery.body}&code=250`)).toBe(false);
  expect(verifyReport(`whsec_${randomBytes(32).toString('base64')}`, delivery.headers, delivery.body)).toBe(
    false,
  );
  const stale = await reported(entity.id);
  await deliverReport(db.dataSource, stale, { ...options, now: () => new Date(Date.now() - 600_000) });
  const old = receiver.received.find((r) => r.headers['webhook-id'] === stale)!;
  expect(verifyReport(secret, old.headers, old.body)).toBe(false);
});

it('a partner refuses a tampered body, a wrong secret and a stale timestamp', async () => {
  const { entity, secret } = await partner();
  const id = await reported(entity.id);
  expect(await deliverReport(db.dataSource, id, options)).toBe('delivered');
  const delivery = receiver.received.find((r) => r.headers['webhook-id'] === id)!;
  expect(verify(secret, delivery.headers, delivery.body)).toBe(true);
  expect(verify(secret, delivery.headers, delivery.body.replace('price%5D=150', 'price%5D=1500'))).toBe(
    false,
  );
  expect(verify(secret, delivery.headers, `${delivery.body}&code=250`)).toBe(false);
  expect(verify(`whsec_${randomBytes(32).toString('base64')}`, delivery.headers, delivery.body)).toBe(false);
  // The same report replayed under another id fails too: the id is signed.
  expect(verify(secret, { ...delivery.headers, 'webhook-id': randomUUID() }, delivery.body)).toBe(false);

  // Signed ten minutes ago: genuine, but past a partner's five-minute tolerance.
  const stale = await reported(entity.id);
  expect(
    await deliverReport(db.dataSource, stale, { ...options, now: () => new Date(Date.now() - 600_000) }),
  ).toBe('delivered');
  const old = receiver.received.find((r) => r.headers['webhook-id'] === stale)!;
  expect(verify(secret, old.headers, old.body, Number.POSITIVE_INFINITY)).toBe(true);
  expect(verify(secret, old.headers, old.body)).toBe(false);
});

it('a json partner gets { type, timestamp, data }, signed the same way', async () => {
  const { entity, secret } = await partner();
  await settings.setUrl(entity.partnerUid, `${receiver.url}/ok`, 'json');
  const id = await reported(entity.id);
  expect(await deliverReport(db.dataSource, id, options)).toBe('delivered');
  const delivery = receiver.received.find((r) => r.headers['webhook-id'] === id)!;
  expect(delivery.headers['content-type']).toBe('application/json');
  expect(JSON.parse(delivery.body)).toMatchObject({
    type: 'redemption',
    timestamp: expect.any(String),
    data: { code: '250', items: [{ serial_number: 'S1', price: 150 }] },
  });
  expect(verify(secret, delivery.headers, delivery.body)).toBe(true);
});

it('during a rotation overlap reports carry both signatures; after it only the new one', async () => {
  const { entity, secret: previous } = await partner();
  const rotated = await settings.rotateSecret(entity.partnerUid, { overlapMs: 3_600_000 });
  expect(rotated.secret).not.toBe(previous);
  expect(rotated.previousUntil).not.toBeNull();

  const during = await reported(entity.id);
  expect(await deliverReport(db.dataSource, during, options)).toBe('delivered');
  const both = receiver.received.find((r) => r.headers['webhook-id'] === during)!;
  expect(String(both.headers['webhook-signature']).split(' ')).toHaveLength(2);
  expect(verify(previous, both.headers, both.body)).toBe(true);
  expect(verify(rotated.secret, both.headers, both.body)).toBe(true);

  const after = await reported(entity.id);
  const later = new Date(Date.now() + 2 * 3_600_000);
  expect(await deliverReport(db.dataSource, after, { ...options, now: () => later })).toBe('delivered');
  const one = receiver.received.find((r) => r.headers['webhook-id'] === after)!;
  expect(String(one.headers['webhook-signature']).split(' ')).toHaveLength(1);
  expect(verify(rotated.secret, one.headers, one.body, Number.POSITIVE_INFINITY)).toBe(true);
  expect(verify(previous, one.headers, one.body, Number.POSITIVE_INFINITY)).toBe(false);
});

it('a secret is sealed at rest, and a rotation to a malformed secret is refused', async () => {
  const { entity, secret } = await partner();
  const rows = await db.dataSource.query<{ secret_sealed: string }[]>(
    'SELECT secret_sealed FROM partner_report_secrets WHERE partner_id = $1',
    [entity.id],
  );
  expect(rows).toHaveLength(1);
  expect(rows[0]!.secret_sealed).not.toContain(secret.slice('whsec_'.length, 20));
  await expect(
    settings.rotateSecret(entity.partnerUid, { secret: 'whsec_c2hvcnQ=', overlapMs: 0 }),
  ).rejects.toMatchObject({ code: 'REPORT_SECRET_INVALID' });
  expect(await settings.signingSecrets(entity.id)).toEqual([secret]);
});

it.each([301, 302, 303, 307, 308])(
  'a redirect (%i) is not followed: the attempt fails and its target is never asked',
  async (status) => {
    const { entity } = await partner(`/redirect-${status}`);
    const okBefore = receiver.on('/ok').length;
    const id = await reported(entity.id);
    expect(await deliverReport(db.dataSource, id, options)).toBe('retry');
    expect(receiver.on(`/redirect-${status}`).some((r) => r.headers['webhook-id'] === id)).toBe(true);
    expect(receiver.on('/ok')).toHaveLength(okBefore);
    expect(await stateOf(id)).toMatchObject({ state: 'pending', attempts: 1 });
  },
);

it('an answer over the cap is a failed attempt, whatever it starts with', async () => {
  const { entity } = await partner('/big');
  const id = await reported(entity.id);
  expect(await deliverReport(db.dataSource, id, options)).toBe('retry');
  expect(await stateOf(id)).toMatchObject({ state: 'pending', attempts: 1 });
  // Under a larger cap the same answer reads as 8888: it is the cap that refused it.
  expect(await deliverReport(db.dataSource, id, { ...options, maxAnswerBytes: 2 * 1024 * 1024 })).toBe(
    'delivered',
  );
});

it('a report URL that is not https is refused where it is registered and at delivery', async () => {
  const strict = new PartnerRegistry(db.dataSource, masterKey);
  const strictSettings = new PartnerReportSettings(db.dataSource, masterKey);
  const add = (notifyUrl: string) =>
    strict.add({
      partnerUid: `URL${randomBytes(4).toString('hex')}`,
      mode: 'store',
      name: 'url partner',
      notifyUrl,
      issuerId: 'ISS1',
      key: SAMPLE_PARTNER.key,
    });
  await expect(add('http://partner.example/reports')).rejects.toBeInstanceOf(ReportUrlError);
  await expect(add(`${receiver.url}/ok`)).rejects.toBeInstanceOf(ReportUrlError);
  await expect(add('https://user:pw@partner.example/reports')).rejects.toBeInstanceOf(ReportUrlError);
  await expect(add('ftp://partner.example/reports')).rejects.toBeInstanceOf(ReportUrlError);
  const https = await add('https://partner.example/reports');
  expect(https.notifyUrl).toBe('https://partner.example/reports');
  await expect(strictSettings.setUrl(https.partnerUid, 'http://partner.example/r')).rejects.toBeInstanceOf(
    ReportUrlError,
  );
  // Loopback http only where development allows it.
  await expect(settings.setUrl(https.partnerUid, 'http://partner.example/r')).rejects.toBeInstanceOf(
    ReportUrlError,
  );
  for (const url of ['http://127.0.0.9:9/r', 'http://localhost:9/r', 'http://[::1]:9/r'])
    expect((await settings.setUrl(https.partnerUid, url)).notifyUrl).toBe(url);

  // A URL written around the registry is refused at delivery, before any request.
  const { entity } = await partner();
  await db.dataSource
    .getRepository(PartnerEntity)
    .update({ id: entity.id }, { notifyUrl: `${receiver.url}/ok` });
  const id = await reported(entity.id);
  const before = receiver.received.length;
  expect(await deliverReport(db.dataSource, id, { signer: settings })).toBe('flagged');
  expect(receiver.received).toHaveLength(before);
  expect(await stateOf(id)).toMatchObject({ state: 'flagged', attempts: 0 });
});

it('a partner without a report secret gets nothing unsigned: the report waits for an operator', async () => {
  partners += 1;
  const entity = await registry.add({
    partnerUid: `RPT${partners}`,
    mode: 'store',
    name: 'no secret',
    notifyUrl: `${receiver.url}/ok`,
    issuerId: 'ISS1',
    key: SAMPLE_PARTNER.key,
  });
  const id = await reported(entity.id);
  const before = receiver.received.length;
  expect(await deliverReport(db.dataSource, id, options)).toBe('flagged');
  expect(receiver.received).toHaveLength(before);
});

it('a resend delivers the report again under the same webhook-id, for its own partner only', async () => {
  const { entity, secret } = await partner();
  const other = await partner();
  const orderId = `RESEND-${randomBytes(3).toString('hex')}`;
  const id = await reported(entity.id, orderId);
  expect(await deliverReport(db.dataSource, id, options)).toBe('delivered');
  expect(await deliverReport(db.dataSource, id, options)).toBe('already_done');

  expect(await resendReports(db.dataSource, other.entity.id, orderId)).toBeNull();
  expect(await resendReports(db.dataSource, entity.id, 'NO-SUCH-ORDER')).toBeNull();
  expect(await resendReports(db.dataSource, entity.id, orderId)).toEqual([{ id, event: 'redemption' }]);
  expect(await stateOf(id)).toMatchObject({ state: 'pending', attempts: 0, deliveredAt: null });
  expect(await deliverReport(db.dataSource, id, options)).toBe('delivered');

  const deliveries = receiver.received.filter((r) => r.headers['webhook-id'] === id);
  expect(deliveries).toHaveLength(2);
  expect(deliveries[1]!.body).toBe(deliveries[0]!.body);
  for (const delivery of deliveries) expect(verify(secret, delivery.headers, delivery.body)).toBe(true);
});

it('attempts are counted in the database: deliveries racing on one report lose none of them', async () => {
  const { entity } = await partner('/fail');
  const id = await reported(entity.id);
  const results = await Promise.all([1, 2, 3].map(() => deliverReport(db.dataSource, id, options)));
  expect(results).toEqual(['retry', 'retry', 'retry']);
  expect(await stateOf(id)).toMatchObject({ state: 'pending', attempts: 3 });
  const last = await Promise.all([1, 2].map(() => deliverReport(db.dataSource, id, options)));
  expect(last.sort()).toEqual(['flagged', 'retry']);
  expect(await stateOf(id)).toMatchObject({ state: 'flagged', attempts: 5 });
});

it('a flagged report waits for a person (an operator item), and asking for it again resolves that item', async () => {
  partners += 1;
  const entity = await registry.add({
    partnerUid: `RPT${partners}`,
    mode: 'store',
    name: 'no secret yet',
    notifyUrl: `${receiver.url}/ok`,
    issuerId: 'ISS1',
    key: SAMPLE_PARTNER.key,
  });
  const orderId = `FLAG-${randomBytes(3).toString('hex')}`;
  const id = await reported(entity.id, orderId);
  expect(await deliverReport(db.dataSource, id, options)).toBe('flagged');
  const items = () =>
    db.dataSource.query<{ state: string; resolution: string | null; resolved_by: string | null }[]>(
      `SELECT state, resolution, resolved_by FROM operator_items
        WHERE kind = 'partner_report_flagged' AND reference = $1`,
      [id],
    );
  expect(await items()).toEqual([{ state: 'open', resolution: null, resolved_by: null }]);

  // The operator issues a secret and asks again: the report goes, the item is closed.
  const { secret } = await settings.rotateSecret(entity.partnerUid, { overlapMs: 0 });
  expect(await resendReports(db.dataSource, entity.id, orderId, 'ops-alice')).toEqual([
    { id, event: 'redemption' },
  ]);
  expect(await items()).toEqual([{ state: 'resolved', resolution: 'resent', resolved_by: 'ops-alice' }]);
  expect(await deliverReport(db.dataSource, id, options)).toBe('delivered');
  const delivery = receiver.received.find((r) => r.headers['webhook-id'] === id)!;
  expect(verify(secret, delivery.headers, delivery.body)).toBe(true);

  // Flagged after the last failed attempt: an item again.
  const { entity: failing } = await partner('/fail');
  const hopeless = await reported(failing.id);
  for (let attempt = 1; attempt < 5; attempt += 1)
    expect(await deliverReport(db.dataSource, hopeless, options)).toBe('retry');
  expect(await deliverReport(db.dataSource, hopeless, options)).toBe('flagged');
  expect(
    await db.dataSource.query(
      `SELECT state FROM operator_items WHERE kind = 'partner_report_flagged' AND reference = $1`,
      [hopeless],
    ),
  ).toEqual([{ state: 'open' }]);
});

it('a partner without a report URL only queries: its report is set aside, no operator item', async () => {
  const { entity } = await partner();
  await settings.setUrl(entity.partnerUid, null);
  const id = await reported(entity.id);
  expect(await deliverReport(db.dataSource, id, options)).toBe('no_url');
  expect(await stateOf(id)).toMatchObject({ state: 'flagged' });
  expect(await db.dataSource.query(`SELECT 1 FROM operator_items WHERE reference = $1`, [id])).toEqual([]);
});
