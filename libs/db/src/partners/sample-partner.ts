import type { NewFeeSchedule, PartnerRegistry } from './partner-registry';

/**
 * The reference sample merchant of seed 000, registered by `npm start` so that the seed's sample clients run
 * against the local API with only their URL changed. Its issuer's schedule is the one behind the seed's sample
 * redemption response: escrow 2 %, gateway 1 %, issuance fee 1 collected by layer 2.
 */
export const SAMPLE_PARTNER = {
  partnerUid: '289151880142',
  key: 'g4LxEvWTz4ftVrsjei9zIaJLnjXo1QG0',
  issuerId: 'seed-000-issuer',
} as const;

/** The sample issuer's schedule (the seed's figures), for tests that build a fee book without the database. */
export const SAMPLE_FEE_SCHEDULE = {
  issuerId: SAMPLE_PARTNER.issuerId,
  effectiveFrom: '2020-01-01',
  escrowRate: '0.02',
  gatewayRate: '0.01',
  issuanceFee: 1,
  issuanceLayer: 2 as const,
} satisfies NewFeeSchedule;

/** Where `npm start` takes its database from: the embedded PostgreSQL, or `DATABASE_URL`'s. */
export type DatabaseSource = 'embedded' | 'external';
/** Where the engine's gateway calls go: the local simulator `npm start` runs, or `GATEWAY_URL`. */
export type GatewaySource = 'simulator' | 'external';

/**
 * The sample partner's uid and key are published in the gateway's documents, so anyone can act as it. It is
 * registered only when nothing real is reachable: the embedded database and the local simulator together.
 */
export function samplePartnerAllowed(database: DatabaseSource, gateway: GatewaySource): boolean {
  return database === 'embedded' && gateway === 'simulator';
}

/** Registers the sample partner (with its schedule and store) unless it exists; true when it was added. */
export async function ensureSamplePartner(registry: PartnerRegistry): Promise<boolean> {
  if (await registry.findByUid(SAMPLE_PARTNER.partnerUid)) return false;
  await registry.add({
    partnerUid: SAMPLE_PARTNER.partnerUid,
    mode: 'store',
    name: 'MYTIX sample store (seed 000)',
    notifyUrl: process.env.SAMPLE_PARTNER_NOTIFY_URL ?? null,
    issuerId: SAMPLE_PARTNER.issuerId,
    key: SAMPLE_PARTNER.key,
    // Keys are valid for a year from issue; the sample's must work today, whatever today is.
    validFrom: new Date(Date.now() - 24 * 60 * 60 * 1000),
  });
  await registry.addFeeSchedule(SAMPLE_FEE_SCHEDULE);
  await registry.setPoint(SAMPLE_PARTNER.partnerUid, {
    kind: 'store',
    pointRef: SAMPLE_PARTNER.partnerUid,
    name: 'sample store',
    payoutAccount: `payee-${SAMPLE_PARTNER.partnerUid}`,
  });
  return true;
}

/**
 * Seed 001's sample merchant (MYPAY LINK PayPage), registered beside the seed 000 one under the same condition, so
 * seed 001's sample clients run against the local API with only their URL (and an earlier step's values) changed.
 * Upstream it is the simulator's merchant of the same uid and key; its vouchers, if any, use the sample issuer.
 */
export const PAYPAGE_SAMPLE_PARTNER = {
  partnerUid: '289151880002',
  key: 'KYTjd9ACcjGaTK6V3zWmMkyrQS08Ndcx',
  issuerId: SAMPLE_PARTNER.issuerId,
} as const;

/** Registers seed 001's sample merchant (with its store) unless it exists; true when it was added. */
export async function ensurePaypageSamplePartner(registry: PartnerRegistry): Promise<boolean> {
  if (await registry.findByUid(PAYPAGE_SAMPLE_PARTNER.partnerUid)) return false;
  await registry.add({
    partnerUid: PAYPAGE_SAMPLE_PARTNER.partnerUid,
    mode: 'store',
    name: 'MYPAY LINK sample store (seed 001)',
    notifyUrl: null,
    issuerId: PAYPAGE_SAMPLE_PARTNER.issuerId,
    key: PAYPAGE_SAMPLE_PARTNER.key,
    validFrom: new Date(Date.now() - 24 * 60 * 60 * 1000),
  });
  await registry.setPoint(PAYPAGE_SAMPLE_PARTNER.partnerUid, {
    kind: 'store',
    pointRef: PAYPAGE_SAMPLE_PARTNER.partnerUid,
    name: 'seed 001 sample store',
    payoutAccount: `payee-${PAYPAGE_SAMPLE_PARTNER.partnerUid}`,
  });
  return true;
}
