import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { inList } from '../state-checks';

/** The bodies a partner's reports can have (`partners.report_format`). */
export const reportFormats = ['form', 'json'] as const;
export type ReportFormat = (typeof reportFormats)[number];

/**
 * A partner platform: a store (`store_uid`) or a dealer (`agent_uid`) and its stores. It speaks to us with its
 * own key ring (partner_keys, purpose `inbound`); we speak to the gateway for it with the upstream credentials
 * (dealer mode: the operator's `agent_uid` and key; store mode: the store's own).
 */
@Entity({ name: 'partners' })
@Check('partners_report_format_check', inList('report_format', reportFormats))
@Index('partners_uid_uq', ['partnerUid'], { unique: true })
export class PartnerEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The `store_uid` or `agent_uid` the partner sends in the envelope. */
  @Column({ name: 'partner_uid', type: 'varchar', length: 32 })
  partnerUid!: string;

  @Column({ type: 'varchar', length: 8 })
  mode!: 'store' | 'agent';

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Where final outcomes are reported (answer `8888`). Null: the partner only queries. */
  @Column({ name: 'notify_url', type: 'varchar', length: 500, nullable: true })
  notifyUrl!: string | null;

  /**
   * The body of its reports: `form`, the gateway's own shape (for clients written against the gateway), or
   * `json`, `{ type, timestamp, data }`. Either way signed with the partner's report secret.
   */
  @Column({ name: 'report_format', type: 'varchar', length: 8, default: 'form' })
  reportFormat!: ReportFormat;

  @Column({ name: 'upstream_mode', type: 'varchar', length: 8 })
  upstreamMode!: 'store' | 'agent';

  @Column({ name: 'upstream_uid', type: 'varchar', length: 32 })
  upstreamUid!: string;

  /**
   * Headquarters' payee account at the gateway. Null: headquarters is not paid out (its share stays on its
   * ledger as a payable, e.g. when headquarters is the operator itself).
   */
  @Column({ name: 'headquarters_payout_account', type: 'varchar', length: 64, nullable: true })
  headquartersPayoutAccount!: string | null;

  /** The issuer whose fee schedules apply to this partner's vouchers. */
  @Column({ name: 'issuer_id', type: 'varchar', length: 64 })
  issuerId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * A key of a partner's ring. `inbound`: the partner encrypts to us with it; `upstream`: we encrypt to the
 * gateway with it. The secret is stored encrypted under the master key (AES-256-GCM), never in clear.
 */
@Entity({ name: 'partner_keys' })
@Index('partner_keys_key_uq', ['partnerId', 'purpose', 'keyId'], { unique: true })
export class PartnerKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  @ForeignKey(() => PartnerEntity, { name: 'partner_keys_partner_fk' })
  partnerId!: string;

  @Column({ type: 'varchar', length: 8 })
  purpose!: 'inbound' | 'upstream';

  @Column({ name: 'key_id', type: 'varchar', length: 64 })
  keyId!: string;

  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed!: string;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom!: Date;

  @Column({ name: 'valid_until', type: 'timestamptz' })
  validUntil!: Date;
}

/** A REST API key: only its SHA-256 is stored; the prefix identifies it in logs and listings. */
@Entity({ name: 'partner_api_keys' })
@Index('partner_api_keys_hash_uq', ['keyHash'], { unique: true })
export class PartnerApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  @ForeignKey(() => PartnerEntity, { name: 'partner_api_keys_partner_fk' })
  partnerId!: string;

  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}

/**
 * A sales point or a redemption point of a partner: a MYTIX store (`store_uid`) or the partner's own point
 * (`dealer_no`), with the account its money is paid to. A null account holds its payables in settlement.
 */
@Entity({ name: 'partner_points' })
@Index('partner_points_ref_uq', ['partnerId', 'kind', 'pointRef'], { unique: true })
export class PartnerPointEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  @ForeignKey(() => PartnerEntity, { name: 'partner_points_partner_fk' })
  partnerId!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'store' | 'dealer';

  /** `store_uid` for kind `store`, the partner's own point number for kind `dealer`. */
  @Column({ name: 'point_ref', type: 'varchar', length: 64 })
  pointRef!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The gateway's payee id (`user_id` of a pay-off item). */
  @Column({ name: 'payout_account', type: 'varchar', length: 64, nullable: true })
  payoutAccount!: string | null;
}

/**
 * A secret that signs a partner's reports (Standard Webhooks: HMAC-SHA256). HMAC needs the secret itself, so it
 * cannot be hashed: it is sealed under the master key (AES-256-GCM) like the envelope keys, and opened only to
 * sign. A rotation gives the previous secrets an `expires_at`; until then reports carry a signature under each.
 */
@Entity({ name: 'partner_report_secrets' })
@Index('partner_report_secrets_partner_idx', ['partnerId', 'createdAt'])
export class PartnerReportSecretEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  @ForeignKey(() => PartnerEntity, { name: 'partner_report_secrets_partner_fk' })
  partnerId!: string;

  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Null: the current secret. Otherwise it signs until then (the overlap of a rotation), never after. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;
}
