import { type ExpiryWarning, type KeyRing, successorKeyWindow } from '@tixclear/crypto';
import { type ApiKeyView, type PartnerRegistry, PartnerKeyEntity } from '@tixclear/db';
import { taiwanBusinessDate } from '@tixclear/domain';
import type { DataSource } from 'typeorm';

/*
 * What the partners page and the operator API's partner routes read (one reader for both): partners, their
 * points, their issuer's fee schedules with the time each held, REST API keys (never hashes) and merchant keys
 * (never secrets: only the fingerprint id, the validity and the gateway's expiry notices).
 */

/** The partners listed, at most (there are a few dozen at most; a bound all the same). */
export const PARTNERS_LISTED = 500;

export interface PartnerSummary {
  partner_uid: string;
  name: string;
  mode: 'store' | 'agent';
  issuer_id: string;
  points: number;
  active_api_keys: number;
  /** The merchant key nearest to its end among those in force, or null (no key in force). */
  next_key_expiry: string | null;
  /** The most urgent notice the gateway sends about its merchant keys (60, 30, 20 days; 7: the successor). */
  key_warning: MerchantKeyWarning | null;
}

export interface MerchantKeyWarning {
  window: number;
  days_left: number;
  has_successor: boolean;
}

export interface PartnerPointRow {
  kind: 'store' | 'dealer';
  point_ref: string;
  name: string;
  payout_account: string | null;
}

export interface FeeScheduleRow {
  effective_from: string;
  /** The last day it held (the day before the next one began); null: it holds still. */
  effective_until: string | null;
  in_force: boolean;
  escrow_rate: string;
  gateway_rate: string;
  issuance_fee: number;
  issuance_layer: number;
}

export interface ApiKeyRow {
  id: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  /** `overlap`: rotated, still working until revoked_at. */
  state: 'active' | 'overlap' | 'revoked';
}

export interface MerchantKeyRow {
  purpose: 'inbound' | 'upstream';
  key_id: string;
  valid_from: string;
  valid_until: string;
  state: 'upcoming' | 'valid' | 'expired';
  /**
   * The rotation window: from 7 days before its end the gateway issues the successor (and mails it), both
   * keys open messages until this one ends; before `rotation_from` the merchant can still extend it.
   */
  rotation_from: string;
  warning: MerchantKeyWarning | null;
}

export interface PartnerDetail {
  partner: {
    partner_uid: string;
    name: string;
    mode: 'store' | 'agent';
    issuer_id: string;
    upstream_mode: 'store' | 'agent';
    upstream_uid: string;
    notify_url: string | null;
    report_format: string;
    created_at: string;
  };
  points: PartnerPointRow[];
  fee_schedules: FeeScheduleRow[];
  api_keys: ApiKeyRow[];
  merchant_keys: MerchantKeyRow[];
}

export async function partnerSummaries(
  dataSource: DataSource,
  registry: PartnerRegistry,
  now = new Date(),
): Promise<PartnerSummary[]> {
  const rows = await dataSource.query<
    (Omit<PartnerSummary, 'next_key_expiry' | 'key_warning'> & { next_key_expiry: Date | null })[]
  >(
    `SELECT p.partner_uid, p.name, p.mode, p.issuer_id,
            (SELECT count(*)::int FROM partner_points pp WHERE pp.partner_id = p.id) AS points,
            (SELECT count(*)::int FROM partner_api_keys k
              WHERE k.partner_id = p.id AND (k.revoked_at IS NULL OR k.revoked_at > $1)) AS active_api_keys,
            (SELECT min(valid_until) FROM partner_keys k
              WHERE k.partner_id = p.id AND k.valid_from <= $1 AND k.valid_until > $1) AS next_key_expiry
       FROM partners p ORDER BY p.partner_uid LIMIT $2`,
    [now, PARTNERS_LISTED],
  );
  const summaries: PartnerSummary[] = [];
  for (const row of rows) {
    const context = await registry.context(row.partner_uid);
    const warnings = context
      ? [...keyWarnings(context.inbound, 'inbound', now), ...keyWarnings(context.upstream, 'upstream', now)]
      : [];
    summaries.push({
      ...row,
      next_key_expiry: row.next_key_expiry?.toISOString() ?? null,
      key_warning: mostUrgent(warnings.map((w) => w.warning)),
    });
  }
  return summaries;
}

/** One partner, or null when there is no such partner. */
export async function partnerDetail(
  dataSource: DataSource,
  registry: PartnerRegistry,
  partnerUid: string,
  now = new Date(),
): Promise<PartnerDetail | null> {
  const context = await registry.context(partnerUid);
  if (!context) return null;
  const { partner } = context;
  const [schedules, apiKeys, keys] = await Promise.all([
    registry.feeSchedules(partner.issuerId),
    registry.apiKeys(partnerUid),
    dataSource.getRepository(PartnerKeyEntity).find({
      where: { partnerId: partner.id },
      order: { purpose: 'ASC', validFrom: 'DESC', keyId: 'ASC' },
    }),
  ]);
  const warnings = [
    ...keyWarnings(context.inbound, 'inbound', now),
    ...keyWarnings(context.upstream, 'upstream', now),
  ];
  const today = taiwanBusinessDate(now);
  return {
    partner: {
      partner_uid: partner.partnerUid,
      name: partner.name,
      mode: partner.mode,
      issuer_id: partner.issuerId,
      upstream_mode: partner.upstreamMode,
      upstream_uid: partner.upstreamUid,
      notify_url: partner.notifyUrl,
      report_format: partner.reportFormat,
      created_at: partner.createdAt.toISOString(),
    },
    points: [...context.points]
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.pointRef.localeCompare(b.pointRef))
      .map((p) => ({ kind: p.kind, point_ref: p.pointRef, name: p.name, payout_account: p.payoutAccount })),
    fee_schedules: schedules
      .map((s, i) => {
        const next = schedules[i + 1]?.effectiveFrom;
        return {
          effective_from: s.effectiveFrom,
          effective_until: next ? dayBefore(next) : null,
          in_force: s.effectiveFrom <= today && (next === undefined || today < next),
          escrow_rate: s.escrowRate,
          gateway_rate: s.gatewayRate,
          issuance_fee: s.issuanceFee,
          issuance_layer: s.issuanceLayer,
        };
      })
      .reverse(),
    api_keys: apiKeys.map((k) => apiKeyRow(k, now)),
    merchant_keys: keys.map((k) => ({
      purpose: k.purpose,
      key_id: k.keyId,
      valid_from: k.validFrom.toISOString(),
      valid_until: k.validUntil.toISOString(),
      state: now < k.validFrom ? 'upcoming' : now < k.validUntil ? 'valid' : 'expired',
      rotation_from: successorKeyWindow({ validUntil: k.validUntil }).validFrom.toISOString(),
      warning: warnings.find((w) => w.purpose === k.purpose && w.keyId === k.keyId)?.warning ?? null,
    })),
  };
}

export function apiKeyRow(key: ApiKeyView, now = new Date()): ApiKeyRow {
  return {
    id: key.id,
    prefix: key.prefix,
    created_at: key.createdAt.toISOString(),
    revoked_at: key.revokedAt?.toISOString() ?? null,
    state: key.revokedAt === null ? 'active' : key.revokedAt > now ? 'overlap' : 'revoked',
  };
}

/**
 * The gateway's expiry notices for a ring's keys (libs/crypto KeyRing: the 60, 30 and 20-day notices while no
 * successor takes over, and the 7-day one always, when the gateway issues the successor).
 */
function keyWarnings(
  ring: KeyRing,
  purpose: 'inbound' | 'upstream',
  now: Date,
): { purpose: 'inbound' | 'upstream'; keyId: string; warning: MerchantKeyWarning }[] {
  return ring.expiryWarnings(now).map((w: ExpiryWarning) => ({
    purpose,
    keyId: w.keyId,
    warning: { window: w.window, days_left: w.daysLeft, has_successor: w.hasSuccessor },
  }));
}

function mostUrgent(warnings: MerchantKeyWarning[]): MerchantKeyWarning | null {
  return warnings.reduce<MerchantKeyWarning | null>(
    (worst, w) => (worst === null || w.days_left < worst.days_left ? w : worst),
    null,
  );
}

function dayBefore(date: string): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() - 1);
  return at.toISOString().slice(0, 10);
}
