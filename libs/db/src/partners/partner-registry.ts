import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '@tixclear/domain';
import { KeyRing, openSecret, sealSecret, successorKeyWindow, type MerchantKey } from '@tixclear/crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { FeeScheduleEntity } from '../entities/fee-schedule.entity';
import {
  PartnerApiKeyEntity,
  PartnerEntity,
  PartnerKeyEntity,
  PartnerPointEntity,
} from '../entities/partner.entity';
import { checkReportUrl, type ReportUrlPolicy } from './report-url';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
/** The longest a rotated REST API key keeps working beside its successor. */
export const MAX_API_KEY_OVERLAP_MS = 7 * 24 * 3_600_000;

/** A REST API key as listed and audited: never its hash. `revokedAt` in the future: it works until then. */
export interface ApiKeyView {
  id: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A key just issued: the clear secret, for the caller to show once. */
export interface IssuedApiKey {
  id: string;
  prefix: string;
  secret: string;
}

export interface NewPartner {
  partnerUid: string;
  mode: 'store' | 'agent';
  name: string;
  notifyUrl: string | null;
  issuerId: string;
  /** Headquarters' payee account; omitted: headquarters is not paid out. */
  headquartersPayoutAccount?: string | null;
  /** The partner's key for our envelope endpoint. */
  key: string;
  /** Upstream credentials; default: the partner's own uid and key (store mode). */
  upstream?: { mode: 'store' | 'agent'; uid: string; key: string };
  validFrom?: Date;
}

export interface NewFeeSchedule {
  issuerId: string;
  effectiveFrom: string;
  escrowRate: string;
  gatewayRate: string;
  issuanceFee: number;
  issuanceLayer: number;
}

/** Everything the API needs to serve one partner, with its secrets opened. */
export interface PartnerContext {
  partner: PartnerEntity;
  inbound: KeyRing;
  upstream: KeyRing;
  points: PartnerPointEntity[];
}

/**
 * The partner registry: partners, their key rings (sealed at rest under the master key), REST API keys,
 * sales and redemption points, and their issuers' fee schedules. Shared by the API and the `partners` CLI.
 */
export class PartnerRegistry {
  constructor(
    private readonly dataSource: DataSource,
    private readonly masterKey: Buffer,
    /** Report URLs are https (or loopback http in development), checked here as where they are registered. */
    private readonly reportUrls: ReportUrlPolicy = {},
  ) {}

  async add(input: NewPartner): Promise<PartnerEntity> {
    return this.dataSource.transaction(async (tx) => {
      const upstream = input.upstream ?? { mode: input.mode, uid: input.partnerUid, key: input.key };
      const partner = await tx.getRepository(PartnerEntity).save(
        tx.getRepository(PartnerEntity).create({
          partnerUid: input.partnerUid,
          mode: input.mode,
          name: input.name,
          notifyUrl: input.notifyUrl === null ? null : checkReportUrl(input.notifyUrl, this.reportUrls).href,
          headquartersPayoutAccount: input.headquartersPayoutAccount ?? null,
          issuerId: input.issuerId,
          upstreamMode: upstream.mode,
          upstreamUid: upstream.uid,
        }),
      );
      const validFrom = input.validFrom ?? new Date();
      await this.insertKey(tx, partner.id, 'inbound', input.key, validFrom);
      await this.insertKey(tx, partner.id, 'upstream', upstream.key, validFrom);
      return partner;
    });
  }

  async list(): Promise<PartnerEntity[]> {
    return this.dataSource.getRepository(PartnerEntity).find({ order: { partnerUid: 'ASC' } });
  }

  async findByUid(partnerUid: string): Promise<PartnerEntity | null> {
    return this.dataSource.getRepository(PartnerEntity).findOneBy({ partnerUid });
  }

  /** Opens a partner's key rings; null for an unknown partner. */
  async context(partnerUid: string): Promise<PartnerContext | null> {
    return this.contextOf(await this.findByUid(partnerUid));
  }

  async contextById(partnerId: string): Promise<PartnerContext | null> {
    return this.contextOf(await this.dataSource.getRepository(PartnerEntity).findOneBy({ id: partnerId }));
  }

  private async contextOf(partner: PartnerEntity | null): Promise<PartnerContext | null> {
    if (!partner) return null;
    const keys = await this.dataSource.getRepository(PartnerKeyEntity).findBy({ partnerId: partner.id });
    const ring = (purpose: 'inbound' | 'upstream') =>
      new KeyRing(
        keys
          .filter((k) => k.purpose === purpose)
          .map<MerchantKey>((k) => ({
            id: k.keyId,
            secret: openSecret(k.secretSealed, this.masterKey),
            validFrom: k.validFrom,
            validUntil: k.validUntil,
          })),
      );
    const points = await this.dataSource.getRepository(PartnerPointEntity).findBy({ partnerId: partner.id });
    return { partner, inbound: ring('inbound'), upstream: ring('upstream'), points };
  }

  /**
   * Adds the successor of the partner's newest key: valid from 7 days before the current one expires, for a
   * year, as the gateway does. Both keys open envelopes during the overlap.
   */
  async rotateKey(partnerUid: string, purpose: 'inbound' | 'upstream', newKey: string): Promise<MerchantKey> {
    const partner = await this.requirePartner(partnerUid);
    const repo = this.dataSource.getRepository(PartnerKeyEntity);
    const newest = await repo.findOne({
      where: { partnerId: partner.id, purpose },
      order: { validUntil: 'DESC' },
    });
    const window = newest
      ? successorKeyWindow({ validUntil: newest.validUntil })
      : { validFrom: new Date(), validUntil: new Date(Date.now() + YEAR_MS) };
    const keyId = await this.insertKey(
      this.dataSource.manager,
      partner.id,
      purpose,
      newKey,
      window.validFrom,
      window.validUntil,
    );
    return { id: keyId, secret: newKey, validFrom: window.validFrom, validUntil: window.validUntil };
  }

  /** Issues a REST API key; the clear key is returned once and only its hash is kept. */
  async issueApiKey(partnerUid: string): Promise<string> {
    return (await this.newApiKey(partnerUid)).secret;
  }

  /** As issueApiKey, with the new key's id and prefix. */
  async newApiKey(partnerUid: string): Promise<IssuedApiKey> {
    const partner = await this.requirePartner(partnerUid);
    return this.dataSource.transaction((tx) => insertApiKey(tx, partner.id));
  }

  /** A partner's REST API keys, newest first (hashes left out). */
  async apiKeys(partnerUid: string): Promise<ApiKeyView[]> {
    const partner = await this.requirePartner(partnerUid);
    const keys = await this.dataSource
      .getRepository(PartnerApiKeyEntity)
      .find({ where: { partnerId: partner.id }, order: { createdAt: 'DESC', id: 'ASC' } });
    return keys.map(({ id, prefix, createdAt, revokedAt }) => ({ id, prefix, createdAt, revokedAt }));
  }

  /** Revokes a key now (one still working through a rotation's overlap too). */
  async revokeApiKey(partnerUid: string, keyId: string, now = new Date()): Promise<ApiKeyView> {
    const partner = await this.requirePartner(partnerUid);
    return this.dataSource.transaction((tx) =>
      endApiKey(tx, partner.id, keyId, now, (key) => key.revokedAt === null || key.revokedAt > now),
    );
  }

  /**
   * Rotates an active key: a new one is issued, and the old one keeps working for `overlapMs` (at most
   * MAX_API_KEY_OVERLAP_MS), then is refused. The new key's secret is returned once.
   */
  async rotateApiKey(
    partnerUid: string,
    keyId: string,
    overlapMs: number,
    now = new Date(),
  ): Promise<{ issued: IssuedApiKey; previous: ApiKeyView }> {
    if (!Number.isSafeInteger(overlapMs) || overlapMs < 0 || overlapMs > MAX_API_KEY_OVERLAP_MS)
      throw new ApiKeyError('API_KEY_OVERLAP_INVALID', 'the overlap is 0 to 7 days', 'overlap_hours');
    const partner = await this.requirePartner(partnerUid);
    return this.dataSource.transaction(async (tx) => {
      const until = new Date(now.getTime() + overlapMs);
      const previous = await endApiKey(tx, partner.id, keyId, until, (key) => key.revokedAt === null);
      return { issued: await insertApiKey(tx, partner.id), previous };
    });
  }

  /** The partner holding an API key not revoked (or revoked from a moment still to come), or null. */
  async partnerForApiKey(secret: string, now = new Date()): Promise<PartnerEntity | null> {
    const key = await this.dataSource
      .getRepository(PartnerApiKeyEntity)
      .findOneBy({ keyHash: hashApiKey(secret) });
    if (!key || (key.revokedAt && key.revokedAt <= now)) return null;
    return this.dataSource.getRepository(PartnerEntity).findOneBy({ id: key.partnerId });
  }

  async setPoint(
    partnerUid: string,
    point: { kind: 'store' | 'dealer'; pointRef: string; name: string; payoutAccount: string | null },
  ): Promise<void> {
    const partner = await this.requirePartner(partnerUid);
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(PartnerPointEntity)
      .values({ partnerId: partner.id, ...point })
      .orUpdate(['name', 'payout_account'], ['partner_id', 'kind', 'point_ref'])
      .execute();
  }

  /** Adds a fee schedule; one per issuer and effective date (unique index). */
  async addFeeSchedule(schedule: NewFeeSchedule): Promise<void> {
    await this.dataSource.getRepository(FeeScheduleEntity).insert(schedule);
  }

  async feeSchedules(issuerId: string): Promise<FeeScheduleEntity[]> {
    return this.dataSource.getRepository(FeeScheduleEntity).find({
      where: { issuerId },
      order: { effectiveFrom: 'ASC' },
    });
  }

  private async requirePartner(partnerUid: string): Promise<PartnerEntity> {
    const partner = await this.findByUid(partnerUid);
    if (!partner) throw new UnknownPartnerError(partnerUid);
    return partner;
  }

  private async insertKey(
    manager: EntityManager,
    partnerId: string,
    purpose: 'inbound' | 'upstream',
    secret: string,
    validFrom: Date,
    validUntil = new Date(validFrom.getTime() + YEAR_MS),
  ): Promise<string> {
    // The id names the key without revealing it: a short fingerprint of the secret.
    const keyId = createHash('sha256').update(secret).digest('hex').slice(0, 12);
    await manager.getRepository(PartnerKeyEntity).insert({
      partnerId,
      purpose,
      keyId,
      secretSealed: sealSecret(secret, this.masterKey),
      validFrom,
      validUntil,
    });
    return keyId;
  }
}

export class UnknownPartnerError extends Error {
  readonly code = 'PARTNER_UNKNOWN';
  constructor(readonly partnerUid: string) {
    super(`no partner ${partnerUid}`);
    this.name = 'UnknownPartnerError';
  }
}

async function insertApiKey(manager: EntityManager, partnerId: string): Promise<IssuedApiKey> {
  const secret = `tix_${randomBytes(24).toString('base64url')}`;
  const prefix = secret.slice(0, 12);
  const inserted = await manager.getRepository(PartnerApiKeyEntity).insert({
    partnerId,
    prefix,
    keyHash: hashApiKey(secret),
    revokedAt: null,
  });
  return { id: String(inserted.identifiers[0]?.id), prefix, secret };
}

/** Sets a key's end under its row lock, if `may` holds for it (else API_KEY_NOT_ACTIVE). */
async function endApiKey(
  tx: EntityManager,
  partnerId: string,
  keyId: string,
  at: Date,
  may: (key: PartnerApiKeyEntity) => boolean,
): Promise<ApiKeyView> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(keyId);
  const key = uuid
    ? await tx
        .getRepository(PartnerApiKeyEntity)
        .findOne({ where: { id: keyId, partnerId }, lock: { mode: 'pessimistic_write' } })
    : null;
  if (!key) throw new ApiKeyError('API_KEY_NOT_FOUND', 'no such API key of this partner', 'key');
  if (!may(key)) throw new ApiKeyError('API_KEY_NOT_ACTIVE', 'this API key is revoked or rotated already');
  await tx.getRepository(PartnerApiKeyEntity).update({ id: key.id }, { revokedAt: at });
  return { id: key.id, prefix: key.prefix, createdAt: key.createdAt, revokedAt: at };
}

export class ApiKeyError extends DomainError {
  constructor(
    readonly code: 'API_KEY_NOT_FOUND' | 'API_KEY_NOT_ACTIVE' | 'API_KEY_OVERLAP_INVALID',
    message: string,
    field?: string,
  ) {
    super(message, field);
  }
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
