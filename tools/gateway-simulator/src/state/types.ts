import type { FeeObject, Sharing } from '@tixclear/fee-engine';
import type { MerchantMode } from '../merchants';

/*
 * What the simulated gateway remembers. Plain mutable records behind SimulatorState; flows change them
 * synchronously (one request at a time, as JavaScript runs), so every command is atomic.
 */

export interface Echo {
  echo_0: string;
  echo_1: string;
  echo_2: string;
  echo_3: string;
  echo_4: string;
}

/**
 * 購買票券交易狀態碼 the simulator produces: open, waiting for a deferred payment (260 convenience-store code,
 * 270 virtual account, 280 WEBATM), paid, paid with the wrong amount, failed, expired, abandoned.
 */
export type PurchaseCode = '200' | '260' | '270' | '280' | '250' | '290' | '300' | '380' | 'A0002';

/** A deferred payment's means (seed 001 附錄二 260/270/280): the codes the buyer pays with later. */
export interface DeferredPayment {
  readonly code: '260' | '270' | '280';
  readonly pfn: string;
  /** 『資料內容所屬支付名稱』 of `result_content` (E_COLLECTION, IBON, BARCODE, WEBATM). */
  readonly contentType: string;
  /** `result_content`: 『虛擬帳號回傳欄位』, 『ibon』, ... */
  readonly content: Readonly<Record<string, string>>;
  readonly bankId: string;
  readonly expiresAt: Date;
}

export interface PurchaseItemRecord {
  readonly id: string;
  readonly name: string;
  readonly amount: number;
  readonly price: number;
  readonly cost: number;
  readonly giftNumber: number;
  readonly trustStartDate: string;
  readonly trustEndDate: string;
  readonly isCustomSerial: boolean;
  readonly serials: readonly string[];
  readonly giftSerials: readonly string[];
  readonly sharing: Sharing;
}

/** A money refund of an order (api/refund or api/esvcrefund). */
export interface MoneyRefund {
  readonly refundUid: number;
  readonly via: 'refund' | 'esvcrefund';
  readonly cost: number;
  readonly at: Date;
  readonly deviceId: string | null;
  /** Queued refunds leave for the provider at the next Taiwan midnight (seed 001 取消退款); until then cancellable. */
  readonly uploadAt: Date;
  /** Set by api/refundcancel before the upload: the refund never happens. */
  cancelledAt: Date | null;
  /** What it did to the order's invoice: 4 voided, 6 allowance; null when the order had none. */
  readonly invoiceEffect: 4 | 6 | null;
}

export interface VoucherPurchase {
  readonly kind: 'voucher_purchase';
  readonly merchantUid: string;
  readonly uid: number;
  readonly key: string;
  readonly orderId: string;
  readonly userId: string;
  readonly cost: number;
  readonly currency: string;
  /** As requested (`0` = any). */
  readonly requestedPfn: string;
  readonly items: readonly PurchaseItemRecord[];
  readonly echo: Echo;
  readonly createdAt: Date;
  code: PurchaseCode;
  /** The payment tool actually used; empty until paid. */
  pfn: string;
  finishedAt: Date | null;
  refunds: MoneyRefund[];
  /** The codes of a deferred payment (ATM, convenience store), once the buyer chose one. */
  deferred: DeferredPayment | null;
}

export type VoucherStatus = 'active' | 'redeemed' | 'refunded';

export interface Voucher {
  readonly issuerUid: string;
  readonly purchaseUid: number;
  readonly purchaseOrderId: string;
  readonly itemId: string;
  readonly name: string;
  readonly isPaid: boolean;
  readonly cost: number;
  readonly price: number;
  readonly sharing: Sharing;
  /** System serial (MYTIX 票券序號). */
  readonly serialNo: string;
  /** The merchant's own serial (客製票券序號), when is_custom_serial = 1. */
  readonly customSerialNo: string | null;
  /** Digital pay token for offline redemption (seed 002 format 1). */
  readonly payToken: string;
  readonly buyerUserId: string;
  readonly issuedAt: Date;
  status: VoucherStatus;
  redeemedBy: { readonly kind: 'online' | 'offline'; readonly orderId: string; readonly at: Date } | null;
  refundedBy: { readonly orderId: string; readonly at: Date } | null;
}

/** 『票券核銷項目(response)』 as answered. */
export interface RedeemedVoucherAnswer {
  readonly id: string;
  readonly serial_number: string;
  readonly is_paid: 0 | 1;
  readonly sharing: { readonly headquarters: number; readonly sales: number; readonly reimbursement: number };
  readonly fee: FeeObject;
}

export interface Redemption {
  readonly merchantUid: string;
  readonly uid: number;
  readonly key: string;
  readonly orderId: string;
  readonly userId: string;
  readonly ip: string;
  readonly code: '250' | '300';
  readonly msg: string;
  readonly at: Date;
  /** The redeemed vouchers with their split; empty when the redemption failed. */
  readonly items: readonly RedeemedVoucherAnswer[];
  readonly echo: Echo;
}

export interface VoucherRefund {
  readonly merchantUid: string;
  readonly uid: number;
  readonly key: string;
  readonly orderId: string;
  readonly code: '230' | '300';
  readonly msg: string;
  readonly at: Date;
  readonly items: readonly { readonly id: string; readonly serial_number: string }[];
  readonly echo: Echo;
}

export interface OfflineRedemption {
  readonly merchantMode: MerchantMode;
  readonly merchantUid: string;
  readonly uid: number;
  readonly key: string;
  readonly orderId: string;
  readonly code: '250' | '300';
  readonly msg: string;
  readonly at: Date;
  /** Serial numbers (system) of the vouchers redeemed. */
  readonly serials: readonly string[];
  /** The split of each voucher, for voucherquery (empty when the redemption failed). */
  readonly redeemedItems: readonly RedeemedVoucherAnswer[];
  readonly echo: Echo;
  /** The `content` answered, kept to answer the same thing again in inspection. */
  readonly content: Readonly<Record<string, unknown>>;
}

/**
 * PayPage order codes the simulator produces (附錄二): 200 open, 245 authorised, 247 capture in progress, 250
 * paid, 260/270/280 waiting for a deferred payment, 290 paid with the wrong amount, 300 failed (also a cancelled
 * authorisation, as the seed's sample shows), 380 expired, A0002 abandoned, 230 fully refunded.
 */
export type OrderCode =
  '200' | '245' | '247' | '250' | '260' | '270' | '280' | '290' | '300' | '380' | 'A0002' | '230';

/** 『商品細項』 of an invoice. */
export interface InvoiceLine {
  readonly Description: string;
  readonly Quantity: string;
  readonly UnitPrice: string;
  readonly Amount: string;
}

/** How the buyer gets the invoice (the `invoice_*` request fields, as sent). */
export interface InvoiceCarrier {
  readonly inputType: 1 | 2 | 3;
  readonly cloudType: number | null;
  readonly taxId: string;
  readonly mobileCode: string;
  readonly naturalPerson: string;
  readonly loveCode: string;
  readonly b2bTitle: string;
  readonly b2bId: string;
  readonly b2bPostZone: string;
  readonly b2bAddress: string;
}

/** An e-invoice of a PayPage order. `state` is 『電子發票開立狀態類型』: 2 issued, 4 void, 6 allowance. */
export interface InvoiceRecord {
  state: 2 | 4 | 6;
  readonly issuedAt: Date;
  readonly wordtrack: string;
  readonly number: string;
  readonly randCode: string;
  readonly sellerBan: string;
  readonly amount: number;
  readonly lines: readonly InvoiceLine[];
  readonly carrier: InvoiceCarrier;
  /** 『電子發票折讓資訊』: one per refund booked as an allowance. */
  readonly allowances: { readonly uid: number; readonly amount: number; readonly lines: InvoiceLine[] }[];
}

/**
 * One charge of a recurring (direct debit) order: 期數 `nois`. Each charge is a transaction of its own at the
 * gateway, with its own `uid` (the first is the order's), reported and queried (`queryorder`, the order's key).
 */
export interface RecurringCharge {
  readonly uid: number;
  readonly nois: number;
  readonly at: Date;
  readonly cost: number;
}

export interface PayPageItem {
  readonly id: string;
  readonly name: string;
  readonly cost: number;
  readonly amount: number;
  readonly total: number;
}

export interface PayPageOrder {
  readonly kind: 'paypage_order';
  readonly merchantUid: string;
  readonly uid: number;
  readonly key: string;
  readonly orderId: string;
  readonly userId: string;
  readonly cost: number;
  readonly currency: string;
  readonly items: readonly PayPageItem[];
  readonly requestedPfn: string;
  readonly echo: Echo;
  readonly createdAt: Date;
  prc: OrderCode;
  retmsg: string;
  pfn: string;
  acode: string;
  finishedAt: Date | null;
  refunds: MoneyRefund[];
  /** `creditcard_is_automatic_payment` 0: a card payment is only authorised (245) until captured. */
  readonly manualCapture: boolean;
  /** The money the buyer paid (captured, or the sum of recurring charges); what refunds may give back. */
  paidCost: number;
  /** Days a virtual account or convenience-store code stays payable (`limit_pay_days`). */
  readonly limitPayDays: number;
  deferred: DeferredPayment | null;
  /** A recurring order (`regular` or pfn DIRECTDEBIT): its 定期定額式扣款編號 and charges. */
  readonly recurring: {
    readonly groupId: string;
    readonly period: string;
    readonly total: number;
    readonly charges: RecurringCharge[];
    /** disabledirectdebit: no charge on or after this Taiwan day (YYYYMMDD). */
    stopFrom: string | null;
    stopReason: string;
  } | null;
  /** `issue_invoice_state` 1 on the order: the invoice is issued when paid, with this carrier. */
  readonly invoiceOnPayment: InvoiceCarrier | null;
  invoice: InvoiceRecord | null;
  /** A cancelled authorisation (cancel_order). */
  cancelledAt: Date | null;
}

/** An e-wallet binding (api/ewalletbind): the binding page's outcome. */
export interface EwalletBinding {
  readonly merchantUid: string;
  readonly uid: number;
  readonly userId: string;
  readonly pfn: string;
  readonly cellphoneCode: string;
  readonly cellphone: string;
  readonly echo: Echo;
  readonly createdAt: Date;
  status: 'open' | 'bound' | 'failed';
  virtualPan: string;
  cardno: string;
}

export type PayoffBatchCode = 'S01' | 'S03' | 'S04' | 'S05';
export type PayoffItemCode = 'C0001' | 'C1001' | 'C2001' | 'C2002';
export type PayoffOutcome = Exclude<PayoffItemCode, 'C0001'>;

export interface PayoffItem {
  readonly id: string;
  readonly userId: string;
  readonly money: number;
  code: PayoffItemCode;
  finishedAt: Date | null;
  /** An outcome forced through the control API, used (and cleared) the next time the item is settled. */
  forced: PayoffOutcome | null;
}

export interface PayoffBatch {
  readonly requesterMode: MerchantMode;
  readonly requesterUid: string;
  readonly storeUid: string;
  readonly uid: number;
  readonly key: string;
  readonly groupId: string;
  readonly items: PayoffItem[];
  readonly echo: Echo;
  readonly createdAt: Date;
  code: PayoffBatchCode;
  approvedAt: Date | null;
  coverings: number;
}

/** One request to /api/init as the simulator saw it. */
export interface RequestLogEntry {
  readonly seq: number;
  readonly at: string;
  readonly command: string | undefined;
  readonly mode: MerchantMode | undefined;
  readonly merchant: string | undefined;
  /** The answer's top-level `code`, when one was sent. */
  code?: string | undefined;
  /** HTTP status sent; `undefined` when the socket was destroyed instead. */
  httpStatus?: number | undefined;
  /** A fault that fired on this request. */
  fault?: string | undefined;
  /** Fields refused by validation. */
  issues?: readonly { readonly field: string; readonly code: string }[] | undefined;
  /** Whether the command changed state. */
  committed?: boolean;
}
