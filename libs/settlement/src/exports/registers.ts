import { sqlText } from './csv';
import { TRUST_VOUCHERS_SQL } from './register-queries';
import type { Column, TableSpec } from './table';

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

/**
 * A register's COPY query (copy-out.ts): `sql`'s rows, each column printed by its kind, in `sql`'s order (the
 * outer query only projects: PostgreSQL keeps a subquery's ORDER BY, which also keeps it from being flattened).
 * A gateway figure is printed as a number when it is a safe whole number (`-0` as `0`), else as its text, guarded.
 */
export function registerCopySql(spec: RegisterSpec, sql: string): string {
  return `SELECT ${spec.columns.map((column) => registerCell(column, `q.${column.name}`)).join(', ')}
            FROM (${sql}) q`;
}

function registerCell({ kind }: RegisterColumn, value: string): string {
  if (kind === 'text') return sqlText(value);
  if (kind === 'integer') return `NULLIF(${value}, '')::bigint`;
  return `CASE WHEN ${value} ~ '^-?(0|[1-9][0-9]{0,15})$' AND abs(${value}::numeric) <= ${Number.MAX_SAFE_INTEGER}
               THEN (${value}::bigint)::text ELSE ${sqlText(value)} END`;
}

/**
 * The trust register (`TRUST_VOUCHERS_SQL`, $1 the period's end) as COPY prints it: by partner, issuer, product
 * (name, then item id) and serial, a `voucher` row each, a `subtotal` row after each partner–issuer–product
 * group, and a last `total` row (0 vouchers worth 0 when the trust holds none).
 */
export const TRUST_COPY_SQL = `
  WITH t AS MATERIALIZED (${TRUST_VOUCHERS_SQL}),
  r AS (
    SELECT 0 AS grp, partner COLLATE "C" AS partner, issuer COLLATE "C" AS issuer, product COLLATE "C" AS product,
           item_id COLLATE "C" AS item_id, 0 AS part, serial_number COLLATE "C" AS serial_number, sale_order_id,
           sold_on, trust_end_date, days_left::bigint AS days_left, NULL::bigint AS vouchers, value::bigint AS value
      FROM t
    UNION ALL
    SELECT 0, partner, issuer, product, item_id, 1, NULL, NULL, NULL, NULL, NULL, count(*), sum(value::bigint)
      FROM t GROUP BY partner, issuer, product, item_id
    UNION ALL
    SELECT 1, NULL, NULL, NULL, NULL, 2, NULL, NULL, NULL, NULL, NULL, count(*), COALESCE(sum(value::bigint), 0)
      FROM t)
  SELECT CASE r.part WHEN 0 THEN 'voucher' WHEN 1 THEN 'subtotal' ELSE 'total' END,
         ${[
           'partner',
           'issuer',
           'item_id',
           'product',
           'serial_number',
           'sale_order_id',
           'sold_on',
           'trust_end_date',
         ]
           .map((column) => sqlText(`r.${column}::text`))
           .join(', ')},
         r.days_left, r.vouchers, r.value
    FROM r
   ORDER BY r.grp, r.partner, r.issuer, r.product, r.item_id, r.part, r.serial_number`;
