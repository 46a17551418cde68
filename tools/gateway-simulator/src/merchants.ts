import { KeyRing, type MerchantKey } from '@tixclear/crypto';
import { FeeScheduleBook, type FeeRule, type Sharing } from '@tixclear/fee-engine';
import { z } from 'zod';

/*
 * Merchants are configuration, as on the real gateway (its back office): uid, mode (store 特約商店 or dealer
 * 經銷商), key ring, notification URL (附錄三) and the fee schedule of the merchant as a voucher issuer. The fee
 * schedule is what makes the gateway's `fee` object on redemptions; the seeds never publish one, so it is ours
 * to set (the default merchant's reproduces the seed's sample redemption).
 */

export type MerchantMode = 'store' | 'agent';
/** How reports are posted: PHP-style form fields (http_build_query, the default) or one JSON document. */
export type NotifyFormat = 'form' | 'json';

const isoInstant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((text) => new Date(text));

const keySchema = z.strictObject({
  id: z.string().min(1),
  secret: z.string().length(32),
  validFrom: z.union([isoInstant, z.date()]),
  validUntil: z.union([isoInstant, z.date()]),
});

const feeScheduleSchema = z.strictObject({
  escrowRate: z.string(),
  gatewayRate: z.string(),
  issuanceFee: z.number().int().nonnegative(),
  issuanceLayer: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /** Taiwan calendar date `YYYY-MM-DD`; the first schedule applies from the dawn of time when omitted. */
  effectiveFrom: z.string().default('2000-01-01'),
});

export const merchantConfigSchema = z
  .strictObject({
    uid: z.string().regex(/^[A-Za-z0-9]{1,16}$/),
    mode: z.enum(['store', 'agent']).default('store'),
    name: z.string().optional(),
    /** Shorthand for one key valid from 2000 to 2100. */
    key: z.string().length(32).optional(),
    keys: z.array(keySchema).default([]),
    /** Where reports go (附錄三 交易回傳設定). `null`: this merchant gets none. */
    notifyUrl: z.url().nullable().default(null),
    notifyFormat: z.enum(['form', 'json']).default('form'),
    /** 平台客戶 must send custom serials (is_custom_serial = 1); 一般客戶 may let the gateway number them. */
    customerType: z.enum(['platform', 'general']).default('platform'),
    feeSchedules: z.array(feeScheduleSchema).min(1),
    /** What api/paymentsupportpaymode answers (附錄一 codes); the seed's sample list when absent. */
    payModes: z.array(z.string().regex(/^[A-Z_]+$/)).optional(),
  })
  .refine((m) => m.key !== undefined || m.keys.length > 0, {
    message: 'A merchant needs `key` or `keys`.',
    path: ['keys'],
  });

/** A merchant as written in configuration (JSON file, control endpoint, options). */
export type MerchantConfig = z.input<typeof merchantConfigSchema>;

export const merchantListSchema = z.array(merchantConfigSchema);

/** A registered merchant. The key ring is the only place its secrets live. */
export interface Merchant {
  readonly uid: string;
  readonly mode: MerchantMode;
  readonly name: string;
  readonly keyRing: KeyRing;
  readonly notifyUrl: string | null;
  readonly notifyFormat: NotifyFormat;
  readonly customerType: 'platform' | 'general';
  readonly payModes: readonly string[];
}

/** What inspection shows of a merchant: never its keys. */
export interface MerchantView {
  readonly uid: string;
  readonly mode: MerchantMode;
  readonly name: string;
  readonly keyIds: string[];
  readonly notifyUrl: string | null;
  readonly notifyFormat: NotifyFormat;
  readonly customerType: 'platform' | 'general';
}

const FOREVER: Pick<MerchantKey, 'validFrom' | 'validUntil'> = {
  validFrom: new Date('2000-01-01T00:00:00+08:00'),
  validUntil: new Date('2100-01-01T00:00:00+08:00'),
};

export class MerchantRegistry {
  readonly #merchants = new Map<string, Merchant>();
  #fees = new FeeScheduleBook();

  /** Validates and registers (or replaces) a merchant. Throws on bad configuration, naming the field. */
  add(config: MerchantConfig): Merchant {
    const parsed = merchantConfigSchema.parse(config);
    const keys: MerchantKey[] = parsed.keys.map((k) => ({ ...k }));
    if (parsed.key !== undefined) keys.push({ id: `${parsed.uid}-key`, secret: parsed.key, ...FOREVER });
    const merchant: Merchant = {
      uid: parsed.uid,
      mode: parsed.mode,
      name: parsed.name ?? parsed.uid,
      keyRing: new KeyRing(keys),
      notifyUrl: parsed.notifyUrl,
      notifyFormat: parsed.notifyFormat,
      customerType: parsed.customerType,
      payModes: parsed.payModes ?? SAMPLE_PAY_MODES,
    };
    // Replacing a merchant replaces its fee schedules: rebuild the book without the old ones.
    const book = new FeeScheduleBook();
    for (const other of this.#merchants.values()) {
      if (other.uid === merchant.uid && other.mode === merchant.mode) continue;
      for (const schedule of this.#fees.schedulesOf(issuerId(other))) book.add(schedule);
    }
    for (const schedule of parsed.feeSchedules) book.add({ ...schedule, issuerId: issuerId(merchant) });
    this.#fees = book;
    this.#merchants.set(issuerId(merchant), merchant);
    return merchant;
  }

  clear(): void {
    this.#merchants.clear();
    this.#fees = new FeeScheduleBook();
  }

  find(mode: MerchantMode, uid: string): Merchant | undefined {
    return this.#merchants.get(`${mode}:${uid}`);
  }

  list(): Merchant[] {
    return [...this.#merchants.values()];
  }

  /** The fee rule of `issuer` on a Taiwan business day (`YYYY-MM-DD`) for one voucher's sharing. */
  feeRule(issuer: Merchant, businessDay: string, sharing: Sharing): FeeRule {
    return this.#fees.ruleFor(issuerId(issuer), businessDay, sharing);
  }
}

function issuerId(merchant: Pick<Merchant, 'mode' | 'uid'>): string {
  return `${merchant.mode}:${merchant.uid}`;
}

/** `keyIds`: the keys valid at `at`, newest first. */
export function viewOf(merchant: Merchant, at: Date): MerchantView {
  return {
    uid: merchant.uid,
    mode: merchant.mode,
    name: merchant.name,
    keyIds: merchant.keyRing.validKeys(at).map((k) => k.id),
    notifyUrl: merchant.notifyUrl,
    notifyFormat: merchant.notifyFormat,
    customerType: merchant.customerType,
  };
}

/** The payment tools of seed 001's sample answer to api/paymentsupportpaymode, in its order. */
export const SAMPLE_PAY_MODES: readonly string[] = [
  'CREDITCARD',
  'CSTORECODE',
  'WEBATM',
  'E_COLLECTION',
  'ABROAD',
  'MATM',
  'WECHAT',
  'WECHATOFF',
  'LINEPAYON',
  'LINEPAYOFF',
  'APPLEPAY',
  'GOOGLEPAY',
  'CARDLESS',
  'PION',
  'PIOFF',
  'JKOON',
  'JKOOFF',
  'CASH',
  'EASYWALLETON',
  'EASYWALLETOFF',
  'BARCODE',
];

/** The reference merchant of seed 000 (every sample client uses it). */
export const SAMPLE_STORE_UID = '289151880142';
export const SAMPLE_STORE_KEY = 'g4LxEvWTz4ftVrsjei9zIaJLnjXo1QG0';

/**
 * The seed-000 sample merchant, with the issuer terms behind the seed's sample redemption answer: escrow 2 %,
 * gateway 1 %, issuance fee 1 collected by layer 2 (big store). With sharing 0.15/0.1/0.75 a 50 TWD voucher
 * splits into 1/1/1 and headquarters 7, sales 5, reimbursement 35, as the sample shows.
 */
export function sampleMerchant(notifyUrl: string | null): MerchantConfig {
  return {
    uid: SAMPLE_STORE_UID,
    mode: 'store',
    name: 'seed 000 sample store',
    key: SAMPLE_STORE_KEY,
    notifyUrl,
    customerType: 'platform',
    feeSchedules: [{ escrowRate: '0.02', gatewayRate: '0.01', issuanceFee: 1, issuanceLayer: 2 }],
  };
}

/** The reference merchant of seed 001 (MYPAY LINK PayPage): every PayPage sample client uses it. */
export const PAYPAGE_STORE_UID = '289151880002';
export const PAYPAGE_STORE_KEY = 'KYTjd9ACcjGaTK6V3zWmMkyrQS08Ndcx';

/**
 * The seed-001 sample merchant. Decision: a general customer (一般客戶: may let the gateway number its vouchers),
 * with the same issuer terms as the seed-000 store; the seed says neither.
 */
export function paypageSampleMerchant(notifyUrl: string | null): MerchantConfig {
  return {
    uid: PAYPAGE_STORE_UID,
    mode: 'store',
    name: 'seed 001 sample store',
    key: PAYPAGE_STORE_KEY,
    notifyUrl,
    customerType: 'general',
    feeSchedules: [{ escrowRate: '0.02', gatewayRate: '0.01', issuanceFee: 1, issuanceLayer: 2 }],
  };
}
