import { formatTaiwanDate, formatTaiwanTimestamp } from '@tixclear/domain';
import { echoOf, executionFailed } from '../answers';
import type { Merchant } from '../merchants';
import type { InvoiceCarrier, InvoiceLine, InvoiceRecord, PayPageOrder } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, unchanged, type FlowResult, type Services } from './context';
import { findOrder, isPaid, paidAmount, refundedSoFar } from './money-refund';

/*
 * E-invoices of PayPage orders (seed 001 電子發票開立 / 電子發票查詢). An invoice is issued when an order with
 * `issue_invoice_state` 1 is paid, or later by api/issueinvoice (a paid order without a live invoice). States
 * (『電子發票開立狀態類型』): 2 issued, 4 void (a refund with invoice_state 4, same invoice month only), 6
 * allowance (a refund with invoice_state 6; one 『電子發票折讓資訊』 per refund). A voided invoice may be issued
 * again for what is left (作廢重開). Numbers come from one track `JH` counting up; the seller is the store's
 * 統一編號, the first 8 digits of its uid (28915188 in the seed's samples).
 */

const WORDTRACK = 'JH';

export function carrierOf(request: {
  readonly invoice_input_type?: 1 | 2 | 3 | undefined;
  readonly invoice_cloud_type?: number | undefined;
  readonly invoice_tax_id?: string | undefined;
  readonly invoice_mobile_code?: string | undefined;
  readonly invoice_natural_person?: string | undefined;
  readonly invoice_love_code?: string | undefined;
  readonly invoice_b2b_title?: string | undefined;
  readonly invoice_b2b_id?: string | undefined;
  readonly invoice_b2b_post_zone?: string | undefined;
  readonly invoice_b2b_address?: string | undefined;
}): InvoiceCarrier {
  return {
    inputType: request.invoice_input_type ?? 1,
    cloudType: request.invoice_cloud_type ?? null,
    taxId: request.invoice_tax_id ?? '',
    mobileCode: request.invoice_mobile_code ?? '',
    naturalPerson: request.invoice_natural_person ?? '',
    loveCode: request.invoice_love_code ?? '',
    b2bTitle: request.invoice_b2b_title ?? '',
    b2bId: request.invoice_b2b_id ?? '',
    b2bPostZone: request.invoice_b2b_post_zone ?? '',
    b2bAddress: request.invoice_b2b_address ?? '',
  };
}

/** Issues the invoice of a paid order for what the buyer paid and kept. */
export function issueFor(services: Services, order: PayPageOrder, carrier: InvoiceCarrier): InvoiceRecord {
  const seq = ++services.state.invoiceSeq;
  const amount = paidAmount(order) - refundedSoFar(order);
  const lines: InvoiceLine[] =
    amount === order.cost
      ? order.items.map((i) => ({
          Description: i.name,
          Quantity: String(i.amount),
          UnitPrice: String(i.cost),
          Amount: String(i.total),
        }))
      : [
          {
            Description: order.items[0]?.name ?? '',
            Quantity: '1',
            UnitPrice: String(amount),
            Amount: String(amount),
          },
        ];
  const invoice: InvoiceRecord = {
    state: 2,
    issuedAt: services.clock.now(),
    wordtrack: WORDTRACK,
    number: String(seq).padStart(8, '0'),
    randCode: String((seq * 7919 + 1234) % 10_000).padStart(4, '0'),
    sellerBan: order.merchantUid.slice(0, 8),
    amount,
    lines,
    carrier,
    allowances: [],
  };
  order.invoice = invoice;
  return invoice;
}

export function issueInvoice(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'issueinvoice'>,
): FlowResult {
  const order = findOrder(services, merchant.uid, request.uid, ['paypage_order']);
  const refuse = (detail: string) =>
    unchanged({ uid: request.uid, key: request.key, ...executionFailed(detail) });
  if (order === undefined || order.kind !== 'paypage_order' || order.key !== request.key)
    return refuse('uid/key (no such order)');
  if (!isPaid(order)) return refuse('the order is not paid');
  if (order.invoice !== null && order.invoice.state !== 4) return refuse('the order already has an invoice');
  if (paidAmount(order) - refundedSoFar(order) < 1) return refuse('nothing left to invoice');
  const invoice = issueFor(services, order, carrierOf(request));
  const fields = invoiceFields(order, invoice);
  // 『電子發票開立』回傳欄位, in the order of the seed's sample answer.
  return changed({
    uid: String(order.uid),
    key: order.key,
    code: 'B200',
    msg: '發票處理完成',
    order_id: order.orderId,
    actual_cost: order.paidCost,
    actual_currency: order.currency,
    state: fields.state,
    date: fields.date,
    wordtrack: fields.wordtrack,
    number: fields.number,
    rand_code: fields.rand_code,
    seller_ban: fields.seller_ban,
    buyer_ban: fields.buyer_ban,
    left_qrcode: fields.left_qrcode,
    middle_barcode: fields.middle_barcode,
    right_qrcode: fields.right_qrcode,
    title_type: fields.title_type,
    title: fields.title,
    sales_amount: fields.sales_amount,
    tax_amount: fields.tax_amount,
    order_detail: fields.order_detail,
    ratetype: fields.ratetype,
    input_type: fields.input_type,
    ...order.echo,
  });
}

/** api/invoice: the invoice state of an order (no outer code, like queryorder); `B500` for an unknown order. */
export function invoiceQuery(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'invoice'>,
): FlowResult {
  const order = findOrder(services, merchant.uid, request.uid, ['paypage_order']);
  if (order === undefined || order.kind !== 'paypage_order' || order.key !== request.key)
    return unchanged(executionFailed('uid/key (no such order)'));
  const f = invoiceFields(order, order.invoice);
  const c = order.invoice?.carrier;
  const paid = order.paidCost > 0;
  return unchanged({
    uid: order.uid,
    key: order.key,
    prc: order.prc,
    order_id: order.orderId,
    cost: order.cost,
    currency: order.currency,
    actual_cost: paid ? order.paidCost : 0,
    actual_currency: order.currency,
    ...f,
    cloud_type: c?.cloudType === null || c === undefined ? '' : String(c.cloudType),
    mobile_code: c?.mobileCode ?? '',
    tax_id: c?.taxId ?? '',
    natural_person: c?.naturalPerson ?? '',
    m_post_zone: '',
    m_address: '',
    love_code: c?.loveCode ?? '',
    b2b_title: c?.b2bTitle ?? '',
    b2b_id: c?.b2bId ?? '',
    b2b_post_zone: c?.b2bPostZone ?? '',
    b2b_address: c?.b2bAddress ?? '',
    allowance: allowancesOf(order.invoice),
    group_id: order.recurring?.groupId ?? '',
    payment_name: '',
    nois: order.recurring === null ? '' : String(order.recurring.charges.length),
    ...echoOf(order.echo),
  });
}

export interface InvoiceFields {
  readonly state: number;
  readonly date: string;
  readonly wordtrack: string;
  readonly number: string;
  readonly rand_code: string;
  readonly seller_ban: string;
  readonly buyer_ban: string;
  readonly left_qrcode: string;
  readonly middle_barcode: string;
  readonly right_qrcode: string;
  readonly title_type: number;
  readonly title: string;
  readonly print_type: number;
  readonly print_device: number;
  readonly amount: string;
  readonly sales_amount: string;
  readonly tax_amount: string;
  readonly order_detail: string;
  readonly ratetype: number;
  readonly input_type: number;
}

/** The invoice part of the answers, as the samples write it (amounts as strings, state and types as numbers). */
export function invoiceFields(order: PayPageOrder, invoice: InvoiceRecord | null): InvoiceFields {
  if (invoice === null) {
    return {
      state: 0,
      date: '',
      wordtrack: '',
      number: '',
      rand_code: '',
      seller_ban: '',
      buyer_ban: '',
      left_qrcode: '',
      middle_barcode: '',
      right_qrcode: '',
      title_type: 1,
      title: '',
      print_type: 0,
      print_device: 0,
      amount: '0',
      sales_amount: '0',
      tax_amount: '0',
      order_detail: '[]',
      ratetype: 1,
      input_type: order.invoiceOnPayment?.inputType ?? 1,
    };
  }
  const day = formatTaiwanDate(invoice.issuedAt);
  const rocYear = String(Number(day.slice(0, 4)) - 1911).padStart(3, '0');
  const month = Number(day.slice(4, 6));
  const periodMonth = String(month % 2 === 0 ? month : month + 1).padStart(2, '0');
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const buyer = invoice.carrier.inputType === 3 ? invoice.carrier.b2bId : '';
  const names = invoice.lines.map((l) => `${l.Description}:${l.Quantity}:${l.UnitPrice}`).join(':');
  return {
    state: invoice.state,
    date: formatTaiwanTimestamp(invoice.issuedAt),
    wordtrack: invoice.wordtrack,
    number: invoice.number,
    rand_code: invoice.randCode,
    seller_ban: invoice.sellerBan,
    buyer_ban: buyer,
    left_qrcode:
      `${invoice.wordtrack}${invoice.number}${rocYear}${day.slice(4)}${invoice.randCode}` +
      `${hex(invoice.amount)}${hex(invoice.amount)}${buyer.padStart(8, '0')}${invoice.sellerBan}` +
      `SIMULATOR0000000000000==:**********:${invoice.lines.length}:${invoice.lines.length}:1:${names}:`,
    middle_barcode: `${rocYear}${periodMonth}${invoice.wordtrack}${invoice.number}${invoice.randCode}`,
    right_qrcode: '**',
    title_type: 1,
    title: '',
    print_type: 0,
    print_device: 0,
    amount: String(invoice.amount),
    sales_amount: String(invoice.amount),
    tax_amount: '0',
    order_detail: JSON.stringify(invoice.lines),
    ratetype: 1,
    input_type: invoice.carrier.inputType,
  };
}

export function allowancesOf(invoice: InvoiceRecord | null): Record<string, unknown>[] {
  return (invoice?.allowances ?? []).map((a) => ({
    uid: a.uid,
    amount: String(a.amount),
    order_detail: JSON.stringify(
      a.lines.map((l, k) => ({
        SeqNo: String(k),
        ItemID: String(a.uid),
        ItemName: l.Description,
        Qty: l.Quantity,
        TotalAmount: l.Amount,
        RateType: '1',
      })),
    ),
  }));
}
