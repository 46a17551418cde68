import { EwalletBindingEntity, type PartnerContext } from '@tixclear/db';
import type { DataSource } from 'typeorm';
import type { Clock } from '../ports';

/** What a stored binding shows its partner (no secret: the virtual card number's last four only). */
export interface EwalletBindingView {
  user_id: string;
  pfn: string;
  cardno: string;
  virtual_pan_last4: string;
  enabled: boolean;
  reported_at: string;
  /** Our id of the `ewalletbind` whose page the buyer bound the card on. */
  binding_order_id: string;
}

/** What taking a binding report did: stored (new or updated), or no binding page of ours names its buyer. */
export type EwalletReportOutcome = 'stored' | 'unknown_order';

const USER_ID = /^.{1,64}$/su;
const PFN = /^[A-Za-z0-9_]{1,20}$/;

/**
 * The card number as the documents show it (『電子錢包虛擬卡號回傳資訊』 cardno: 僅顯示前六後四, first six and last
 * four): digits and `*` only, at least ten digits' worth; anything between the first six and the last four is
 * masked again here, so a full card number the gateway might send is never stored.
 */
export function maskedCardNumber(cardno: unknown): string | undefined {
  if (typeof cardno !== 'string' || !/^[0-9*]{10,19}$/.test(cardno)) return undefined;
  const first = cardno.slice(0, 6);
  const last = cardno.slice(-4);
  if (!/^\d{6}$/.test(first) || !/^\d{4}$/.test(last)) return undefined;
  return `${first}${'*'.repeat(cardno.length - 10)}${last}`;
}

/**
 * E-wallet bindings (seed 001 MYPAY電子錢包綁定). The gateway reports a bound card (『電子錢包虛擬卡號回傳資訊』:
 * pfn, cardno, user_id, cellphone_code, cellphone, virtual_pan, enable) with no order id and no query to confirm
 * it, so a report is kept as reported, never as an authority, and only when one of our `ewalletbind` operations
 * (succeeded: the gateway opened its page) named that buyer: the binding is that partner's. Bindings of a buyer
 * opened by two partners (one upstream merchant) cannot be told apart: the report is counted, not stored.
 * Idempotent: one row per partner, buyer, pay type and card (its masked number and the virtual card number's
 * last four); a repeated report updates only `enabled` and when it was reported. Kept: the buyer's user_id, the
 * pay type, the masked card number, the virtual card number's last four characters, enabled. Not kept: the
 * virtual card number and the buyer's mobile number.
 */
export class EwalletBindings {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(fields: Record<string, unknown>): Promise<EwalletReportOutcome> {
    const userId = fields.user_id;
    const pfn = fields.pfn;
    const cardno = maskedCardNumber(fields.cardno);
    const pan = fields.virtual_pan;
    if (typeof userId !== 'string' || !USER_ID.test(userId)) return 'unknown_order';
    if (typeof pfn !== 'string' || !PFN.test(pfn) || cardno === undefined) return 'unknown_order';
    if (typeof pan !== 'string' || !/^[A-Za-z0-9]{4,64}$/.test(pan)) return 'unknown_order';
    // 『電子錢包虛擬卡號回傳資訊』 enable: 0 off, 1 on.
    const enabled = fields.enable !== '0' && fields.enable !== 0;
    // The binding pages of ours that named this buyer: the latest one's partner, when only one partner has any.
    const pages = await this.dataSource.query<{ id: string; partner_id: string }[]>(
      `SELECT DISTINCT ON (partner_id) id, partner_id FROM operations
        WHERE kind = 'pay_action' AND command = 'ewalletbind' AND state = 'succeeded' AND request->>'user_id' = $1
        ORDER BY partner_id, created_at DESC
        LIMIT 2`,
      [userId],
    );
    const [page] = pages;
    if (page === undefined || pages.length > 1) return 'unknown_order';
    await this.dataSource.query(
      `INSERT INTO ewallet_bindings (partner_id, operation_id, user_id, pfn, cardno_masked, virtual_pan_last4, enabled,
                                     reported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (partner_id, user_id, pfn, cardno_masked, virtual_pan_last4)
       DO UPDATE SET enabled = EXCLUDED.enabled, reported_at = EXCLUDED.reported_at
       WHERE ewallet_bindings.reported_at <= EXCLUDED.reported_at`,
      [page.partner_id, page.id, userId, pfn, cardno, pan.slice(-4), enabled, this.clock.now()],
    );
    return 'stored';
  }

  /** The partner's bindings, of one buyer when `userId` is given, newest first (at most 100). */
  async list(partner: PartnerContext, userId?: string): Promise<EwalletBindingView[]> {
    const rows = await this.dataSource
      .getRepository(EwalletBindingEntity)
      .createQueryBuilder('b')
      .innerJoin('operations', 'o', 'o.id = b.operation_id')
      .select([
        'b.user_id AS user_id',
        'b.pfn AS pfn',
        'b.cardno_masked AS cardno',
        'b.virtual_pan_last4 AS virtual_pan_last4',
        'b.enabled AS enabled',
        'b.reported_at AS reported_at',
        'o.order_id AS binding_order_id',
      ])
      .where('b.partner_id = :partner', { partner: partner.partner.id })
      .andWhere(userId === undefined ? 'TRUE' : 'b.user_id = :user', { user: userId })
      .orderBy('b.reported_at', 'DESC')
      .addOrderBy('b.id')
      .limit(100)
      .getRawMany<Omit<EwalletBindingView, 'reported_at'> & { reported_at: Date }>();
    return rows.map((r) => ({ ...r, reported_at: r.reported_at.toISOString() }));
  }
}
