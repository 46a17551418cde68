import { randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from '@tixclear/crypto';
import type { DataSource } from 'typeorm';
import { PartnerEntity, PartnerReportSecretEntity } from '../entities/partner.entity';
import { UnknownPartnerError } from './partner-registry';
import { checkReportUrl, type ReportUrlPolicy } from './report-url';

/** The longest overlap a rotation may give the previous secret. */
export const MAX_REPORT_SECRET_OVERLAP_MS = 30 * 24 * 3_600_000;

export class ReportSecretError extends Error {
  readonly code = 'REPORT_SECRET_INVALID';
  constructor(reason: string) {
    super(`report secret refused: ${reason}`);
    this.name = 'ReportSecretError';
  }
}

/** A fresh secret in the Standard Webhooks form: `whsec_` and the base64 of 32 random bytes. */
export function newReportSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of a `whsec_<base64>` secret: 24 to 64 bytes, as Standard Webhooks asks. */
export function reportSecretKey(secret: string): Buffer {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  const key = match ? Buffer.from(match[1]!, 'base64') : Buffer.alloc(0);
  if (key.length < 24 || key.length > 64)
    throw new ReportSecretError('not whsec_ followed by the base64 of 24 to 64 bytes');
  return key;
}

/**
 * Where and how a partner's reports go: the report URL (checked by {@link checkReportUrl}), the body format and
 * the signing secrets. Secrets are sealed under the master key and opened only to sign; the clear secret leaves
 * this class once, as the return value of {@link rotateSecret}.
 */
export class PartnerReportSettings {
  constructor(
    private readonly dataSource: DataSource,
    private readonly masterKey: Buffer,
    private readonly policy: ReportUrlPolicy = {},
  ) {}

  /** Sets (or, with null, removes) the partner's report URL, and its body format when given. */
  async setUrl(partnerUid: string, url: string | null, format?: 'form' | 'json'): Promise<PartnerEntity> {
    const notifyUrl = url === null ? null : checkReportUrl(url, this.policy).href;
    const repo = this.dataSource.getRepository(PartnerEntity);
    const partner = await repo.findOneBy({ partnerUid });
    if (!partner) throw new UnknownPartnerError(partnerUid);
    await repo.update({ id: partner.id }, { notifyUrl, ...(format ? { reportFormat: format } : {}) });
    return { ...partner, notifyUrl, reportFormat: format ?? partner.reportFormat };
  }

  /**
   * Makes `secret` (default: a fresh one) the partner's current secret. Secrets it replaces keep signing until
   * `overlapMs` from now (never longer than an earlier rotation gave them); expired ones are deleted. One
   * rotation at a time per partner (its row is locked).
   */
  async rotateSecret(
    partnerUid: string,
    options: { secret?: string; overlapMs: number; now?: Date },
  ): Promise<{ secret: string; previousUntil: Date | null }> {
    if (!Number.isSafeInteger(options.overlapMs) || options.overlapMs < 0)
      throw new ReportSecretError('the overlap must be a whole number of milliseconds, 0 or more');
    if (options.overlapMs > MAX_REPORT_SECRET_OVERLAP_MS)
      throw new ReportSecretError('the overlap must be at most 30 days');
    const secret = options.secret ?? newReportSecret();
    reportSecretKey(secret);
    const now = options.now ?? new Date();
    const until = new Date(now.getTime() + options.overlapMs);
    return this.dataSource.transaction(async (tx) => {
      const partner = await tx
        .getRepository(PartnerEntity)
        .findOne({ where: { partnerUid }, lock: { mode: 'pessimistic_write' } });
      if (!partner) throw new UnknownPartnerError(partnerUid);
      await tx.query('DELETE FROM partner_report_secrets WHERE partner_id = $1 AND expires_at <= $2', [
        partner.id,
        now,
      ]);
      const replaced = await tx.query<[unknown[], number]>(
        `UPDATE partner_report_secrets SET expires_at = LEAST(coalesce(expires_at, 'infinity'), $2)
          WHERE partner_id = $1 RETURNING id`,
        [partner.id, until],
      );
      await tx.getRepository(PartnerReportSecretEntity).insert({
        partnerId: partner.id,
        secretSealed: sealSecret(secret, this.masterKey),
        expiresAt: null,
      });
      return { secret, previousUntil: replaced[1] > 0 ? until : null };
    });
  }

  /** The secrets that sign a report sent at `now`, the current one first; none if none was ever issued. */
  async signingSecrets(partnerId: string, now = new Date()): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(PartnerReportSecretEntity)
      .createQueryBuilder('s')
      .where('s.partner_id = :partnerId AND (s.expires_at IS NULL OR s.expires_at > :now)', {
        partnerId,
        now,
      })
      .orderBy('s.expires_at', 'DESC', 'NULLS FIRST')
      .addOrderBy('s.created_at', 'DESC')
      .getMany();
    return rows.map((row) => openSecret(row.secretSealed, this.masterKey));
  }
}
