import type { MerchantMode } from '../merchants';
import { Holdings } from './holdings';
import type {
  EwalletBinding,
  OfflineRedemption,
  PayoffBatch,
  PayPageOrder,
  RecurringCharge,
  Redemption,
  RequestLogEntry,
  Voucher,
  VoucherPurchase,
  VoucherRefund,
} from './types';

/*
 * The simulator's memory. Orders are unique per merchant and per kind of transaction (a purchase and a
 * redemption may share an order_id, as the gateway keeps them in separate tables; docs/protocol.md §6 only says
 * "unique per merchant"). Custom serials are unique per merchant and product group (seed 001 『有償票券項目』:
 * 特約商店下的每一個票券群組的票券券號必須是唯一), reserved from the purchase on and released when the purchase
 * fails or is abandoned (seed 000 票券項目, note 4).
 */

const join = (...parts: (string | number)[]): string => parts.join('\u0000');

export class SimulatorState {
  readonly purchases = new Map<number, VoucherPurchase>();
  readonly orders = new Map<number, PayPageOrder>();
  readonly vouchers: Voucher[] = [];
  readonly redemptions = new Map<string, Redemption>();
  readonly refunds = new Map<string, VoucherRefund>();
  readonly offline = new Map<string, OfflineRedemption>();
  readonly batches = new Map<string, PayoffBatch>();
  readonly requests: RequestLogEntry[] = [];
  readonly bindings = new Map<number, EwalletBinding>();
  /** Money the gateway holds per merchant (see holdings.ts). */
  readonly holdings = new Holdings();
  /** The last e-invoice number handed out (one track for the whole simulated gateway). */
  invoiceSeq = 0;

  readonly #purchaseByOrder = new Map<string, number>();
  readonly #orderByOrderId = new Map<string, number>();
  /** A later recurring charge's own uid → its order's uid. */
  readonly #orderByChargeUid = new Map<number, number>();
  /** merchant + item id + custom serial → the purchase holding it. */
  readonly #reservedSerials = new Map<string, number>();
  /** issuer + serial (system or custom) → its vouchers: redemptions look vouchers up by serial, at any volume. */
  readonly #vouchersBySerial = new Map<string, Voucher[]>();
  #requestSeq = 0;

  reset(): void {
    this.purchases.clear();
    this.orders.clear();
    this.vouchers.length = 0;
    this.redemptions.clear();
    this.refunds.clear();
    this.offline.clear();
    this.batches.clear();
    this.requests.length = 0;
    this.bindings.clear();
    this.holdings.reset();
    this.invoiceSeq = 0;
    this.#purchaseByOrder.clear();
    this.#orderByOrderId.clear();
    this.#orderByChargeUid.clear();
    this.#reservedSerials.clear();
    this.#vouchersBySerial.clear();
    this.#requestSeq = 0;
  }

  // --- purchases and their serials

  purchaseByOrderId(merchantUid: string, orderId: string): VoucherPurchase | undefined {
    const uid = this.#purchaseByOrder.get(join(merchantUid, orderId));
    return uid === undefined ? undefined : this.purchases.get(uid);
  }

  addPurchase(purchase: VoucherPurchase): void {
    this.purchases.set(purchase.uid, purchase);
    this.#purchaseByOrder.set(join(purchase.merchantUid, purchase.orderId), purchase.uid);
    for (const item of purchase.items) {
      for (const serial of [...item.serials, ...item.giftSerials]) {
        this.#reservedSerials.set(join(purchase.merchantUid, item.id, serial), purchase.uid);
      }
    }
  }

  /** The purchase holding a custom serial of a product group, if any. */
  serialHolder(merchantUid: string, itemId: string, serial: string): number | undefined {
    return this.#reservedSerials.get(join(merchantUid, itemId, serial));
  }

  /** Frees the custom serials of a purchase that will never be paid, so they can be used again. */
  releaseSerials(purchase: VoucherPurchase): void {
    for (const item of purchase.items) {
      for (const serial of [...item.serials, ...item.giftSerials]) {
        const key = join(purchase.merchantUid, item.id, serial);
        if (this.#reservedSerials.get(key) === purchase.uid) this.#reservedSerials.delete(key);
      }
    }
  }

  // --- vouchers

  /** Issues a voucher (serials never change afterwards, so the index stays true). */
  addVoucher(voucher: Voucher): void {
    this.vouchers.push(voucher);
    const serials = new Set([voucher.serialNo, voucher.customSerialNo].filter((s) => s !== null));
    for (const serial of serials) {
      const key = join(voucher.issuerUid, serial);
      const list = this.#vouchersBySerial.get(key);
      if (list) list.push(voucher);
      else this.#vouchersBySerial.set(key, [voucher]);
    }
  }

  /**
   * Vouchers of `issuerUid` with this product id and serial, custom or system ("平台客戶" redeem by their own
   * serials, "一般客戶" by MYTIX serials). At most one, given the uniqueness rules.
   */
  findVoucher(issuerUid: string, itemId: string, serial: string): Voucher | undefined {
    return this.#vouchersBySerial.get(join(issuerUid, serial))?.find((v) => v.itemId === itemId);
  }

  /** Vouchers of `issuerUid` with this serial in any product group (physical offline vouchers carry no group). */
  findVouchersBySerial(issuerUid: string | undefined, serial: string): Voucher[] {
    if (issuerUid !== undefined) return [...(this.#vouchersBySerial.get(join(issuerUid, serial)) ?? [])];
    return this.vouchers.filter((v) => v.customSerialNo === serial || v.serialNo === serial);
  }

  findVoucherByToken(token: string): Voucher | undefined {
    return this.vouchers.find((v) => v.payToken === token);
  }

  // --- PayPage orders

  orderByOrderId(merchantUid: string, orderId: string): PayPageOrder | undefined {
    const uid = this.#orderByOrderId.get(join(merchantUid, orderId));
    return uid === undefined ? undefined : this.orders.get(uid);
  }

  addOrder(order: PayPageOrder): void {
    this.orders.set(order.uid, order);
    this.#orderByOrderId.set(join(order.merchantUid, order.orderId), order.uid);
  }

  /** A later charge of a recurring order, by the charge's own uid: the order and the charge. */
  orderByChargeUid(uid: number): { order: PayPageOrder; charge: RecurringCharge } | undefined {
    const order = this.orders.get(this.#orderByChargeUid.get(uid) ?? -1);
    const charge = order?.recurring?.charges.find((c) => c.uid === uid);
    return order === undefined || charge === undefined ? undefined : { order, charge };
  }

  addCharge(order: PayPageOrder, charge: RecurringCharge): void {
    order.recurring?.charges.push(charge);
    if (charge.uid !== order.uid) this.#orderByChargeUid.set(charge.uid, order.uid);
  }

  // --- keyed by merchant and order id

  static key(merchantUid: string, orderId: string): string {
    return join(merchantUid, orderId);
  }

  static offlineKey(mode: MerchantMode, merchantUid: string, orderId: string): string {
    return join(mode, merchantUid, orderId);
  }

  static batchKey(storeUid: string, groupId: string): string {
    return join(storeUid, groupId);
  }

  // --- request log

  logRequest(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const logged: RequestLogEntry = { ...entry, seq: ++this.#requestSeq };
    this.requests.push(logged);
    return logged;
  }

  /** Everything, as plain JSON (dates as ISO strings), for `GET /_control/state`. */
  snapshot(): Record<string, unknown> {
    return JSON.parse(
      JSON.stringify({
        purchases: [...this.purchases.values()],
        vouchers: this.vouchers,
        redemptions: [...this.redemptions.values()],
        refunds: [...this.refunds.values()],
        offlineRedemptions: [...this.offline.values()],
        orders: [...this.orders.values()],
        ewalletBindings: [...this.bindings.values()],
        payoffBatches: [...this.batches.values()],
        requests: this.requests,
      }),
    ) as Record<string, unknown>;
  }
}
