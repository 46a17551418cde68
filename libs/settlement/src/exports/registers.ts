import { addTwd, ZERO_TWD, type Twd } from '@tixclear/domain';
import { money, type Row } from './queries';
import type { Cell, Column, TableSpec } from './table';

/**
 * The registers finance asks for, one row per voucher: redemptions, sales, refunds, and the trust liability at
 * the period's end. Each is a table of the export (CSV and sheet, through the export's writers); the SQL is in
 * register-queries.ts. A column is text, a whole number (`integer`: TWD, counts, days, layers), or a figure the gateway
 * sent (`gateway`: a number when it is a whole number, else its text as sent, so a malformed one shows).
 */
type Kind = 'text' | 'integer' | 'gateway';

interface RegisterColumn extends Column {
  kind: Kind;
}

export interface RegisterSpec extends TableSpec {
  columns: readonly RegisterColumn[];
}

const text = (name: string, width = 14): RegisterColumn => ({ name, width, kind: 'text' });
const integer = (name: string, width = 12): RegisterColumn => ({ name, width, kind: 'integer' });
const gateway = (name: string): RegisterColumn => ({ name, width: 12, kind: 'gateway' });

const SHARE_PAYMENT = (role: string): RegisterColumn[] => [
  text(`${role}_group_id`, 30),
  text(`${role}_item_id`, 30),
];

export const REDEMPTIONS_REGISTER: RegisterSpec = {
  name: 'register-redemptions',
  columns: [
    text('run', 12),
    text('redemption_date', 16),
    text('reimbursement_date', 20),
    text('partner', 14),
    text('serial_number', 20),
    text('order_id', 24),
    text('gateway_uid', 24),
    text('item_id', 12),
    text('product', 30),
    text('paid', 6),
    integer('value'),
    integer('escrow_fee'),
    integer('gateway_fee'),
    integer('issuance_layer'),
    integer('issuance_fee'),
    text('issuance_party', 24),
    gateway('gw_escrow_fee'),
    gateway('gw_gateway_fee'),
    gateway('gw_issuance_layer'),
    gateway('gw_issuance_fee'),
    gateway('gw_headquarters'),
    gateway('gw_sales'),
    gateway('gw_reimbursement'),
    text('fee_check', 10),
    text('split_from', 10),
    integer('headquarters'),
    text('headquarters_party', 24),
    integer('sales'),
    text('sales_party', 24),
    integer('reimbursement'),
    text('reimbursement_party', 24),
    ...SHARE_PAYMENT('headquarters'),
    ...SHARE_PAYMENT('sales'),
    ...SHARE_PAYMENT('reimbursement'),
    ...SHARE_PAYMENT('issuance'),
  ],
};

export const SALES_REGISTER: RegisterSpec = {
  name: 'register-sales',
  columns: [
    text('posted_on', 12),
    text('sale_date', 12),
    text('partner', 14),
    text('order_id', 24),
    text('gateway_uid', 24),
    text('serial_number', 20),
    text('item_id', 12),
    text('product', 30),
    text('paid', 6),
    integer('price'),
    integer('value'),
    text('sales_point', 16),
    text('trust_end_date', 14),
    text('validity_end_date', 14),
  ],
};

export const REFUNDS_REGISTER: RegisterSpec = {
  name: 'register-refunds',
  columns: [
    text('posted_on', 12),
    text('refund_date', 12),
    text('partner', 14),
    text('order_id', 24),
    text('gateway_uid', 24),
    text('serial_number', 20),
    text('item_id', 12),
    text('product', 30),
    text('paid', 6),
    integer('value'),
    text('purchase_order_id', 24),
  ],
};

export const TRUST_REGISTER: RegisterSpec = {
  name: 'register-trust',
  columns: [
    text('row', 9),
    text('partner', 14),
    text('issuer', 14),
    text('item_id', 12),
    text('product', 30),
    text('serial_number', 20),
    text('sale_order_id', 24),
    text('sold_on', 12),
    text('trust_end_date', 14),
    { name: 'days_left', width: 10, kind: 'integer' },
    { name: 'vouchers', width: 10, kind: 'integer' },
    integer('value', 14),
  ],
};

/** A register row from its query row, column by column (every column the spec names is a column the SQL has). */
export function registerRow(spec: RegisterSpec, row: Row): Cell[] {
  return spec.columns.map(({ name, kind }) => {
    const value = row[name] ?? '';
    if (kind === 'text') return value;
    if (kind === 'integer') return value === '' ? '' : money(value, `${spec.name}.${name}`);
    return gatewayFigure(value);
  });
}

/** A figure from the gateway's answer: a number when it is a safe whole number, else its text as sent. */
export function gatewayFigure(value: string): Cell {
  if (/^-?(0|[1-9][0-9]{0,15})$/.test(value)) {
    const number = Number(value);
    if (Number.isSafeInteger(number)) return number;
  }
  return value;
}

interface Group {
  key: string;
  partner: string;
  issuer: string;
  itemId: string;
  product: string;
  vouchers: number;
  value: Twd;
}

/**
 * The trust register's rows while the outstanding vouchers stream in (ordered by partner, issuer, product,
 * serial): each voucher, a `subtotal` row after each partner–issuer–product group, and a last `total` row.
 */
export class TrustRows {
  #group: Group | undefined;
  #vouchers = 0;
  #value: Twd = ZERO_TWD;

  add(row: Row): Cell[][] {
    const rows: Cell[][] = [];
    const cells = registerRow(TRUST_REGISTER, { ...row, row: 'voucher', vouchers: '' });
    const [, partner, issuer, itemId, product] = cells as string[];
    const key = JSON.stringify([partner, issuer, itemId, product]);
    if (this.#group && this.#group.key !== key) rows.push(this.#close(this.#group));
    const value = money(row.value, 'register-trust.value');
    const group = (this.#group ??= {
      key,
      partner: partner!,
      issuer: issuer!,
      itemId: itemId!,
      product: product!,
      vouchers: 0,
      value: ZERO_TWD,
    });
    group.vouchers += 1;
    group.value = addTwd(group.value, value);
    rows.push(cells);
    return rows;
  }

  finish(): Cell[][] {
    const rows: Cell[][] = [];
    if (this.#group) rows.push(this.#close(this.#group));
    rows.push(['total', '', '', '', '', '', '', '', '', '', this.#vouchers, this.#value]);
    return rows;
  }

  #close(group: Group): Cell[] {
    this.#group = undefined;
    this.#vouchers += group.vouchers;
    this.#value = addTwd(this.#value, group.value);
    return [
      'subtotal',
      group.partner,
      group.issuer,
      group.itemId,
      group.product,
      '',
      '',
      '',
      '',
      '',
      group.vouchers,
      group.value,
    ];
  }
}
