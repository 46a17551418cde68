import { resolveOperatorItem, raiseOperatorItem, twdColumn, type FeeObjectJson } from '@tixclear/db';
import { taiwanBusinessDate, twd } from '@tixclear/domain';
import { FEE_OBJECT_KEYS, type FeeObject } from '@tixclear/fee-engine';
import type { DataSource, EntityManager } from 'typeorm';
import { Account } from '../accounts';
import { isSplitOf } from '../clearing/clearing';
import { loadFeeBook } from '../loaders';
import { CLEARING_LOCK } from '../settlement-runner';
import { HoldError, HoldErrorCode } from './errors';

/*
 * Operator commands for redemption lines settlement holds (a fee disagreement, no split, no payout account,
 * no record of the sale). Either the line is re-cleared after a correction — its terms read again from our
 * record of the sale and split again, or the gateway's split (or ours) accepted — and the next run clears it
 * or holds it again with the reason left; or it is settled outside clearing and no run ever clears it. Each
 * records who acted and why (`settlement_hold_actions`) and closes the line's operator item, in one
 * transaction that first locks the line, so that two operators cannot both act on it.
 */

export interface HeldLine {
  lineId: string;
  serialNumber: string;
  partnerUid: string;
  businessDate: string;
  isPaid: boolean;
  cost: number;
  /** The reason the latest run that examined it gave. */
  reason: string;
  runId: string;
}

/** Who acts and why: both are kept with the action. */
export interface HoldActor {
  by: string;
  note: string;
  clock?: () => Date;
}

/**
 * Re-clearing: `undefined` splits the line again from our (corrected) record and keeps any disagreement with
 * the gateway's split; `ours` clears with our split whatever the gateway's says; `gateway` clears with the
 * gateway's split, if it is a split of our record's value.
 */
export type Acceptance = 'ours' | 'gateway';

export interface Recleared {
  lineId: string;
  action: 'recleared' | 'fee_accepted';
  /** Still in the way of clearing after the correction (the next run holds the line again); null when clear. */
  feeIssue: string | null;
}

export interface SettledOutside {
  lineId: string;
  /** What the journal took off the trust liability (0: a gift, or a voucher not sold through us). */
  posted: number;
}

/** Every line a run held that is neither cleared since nor settled outside, with the latest reason. */
export async function listHolds(dataSource: DataSource): Promise<HeldLine[]> {
  const rows = await dataSource.query<
    {
      line_id: string;
      serial_number: string;
      partner_uid: string;
      business_date: string;
      is_paid: boolean;
      cost: string;
      reason: string;
      run_id: string;
    }[]
  >(
    `SELECT DISTINCT ON (h.redemption_line_id) h.redemption_line_id AS line_id, rl.serial_number, p.partner_uid,
            rl.business_date::text AS business_date, rl.is_paid, rl.cost::text AS cost, h.reason, h.run_id
       FROM settlement_holds h
       JOIN settlement_runs r ON r.id = h.run_id
       JOIN redemption_lines rl ON rl.id = h.redemption_line_id
       JOIN partners p ON p.id = rl.partner_id
      WHERE NOT EXISTS (SELECT 1 FROM clearings c WHERE c.redemption_line_id = h.redemption_line_id)
        AND NOT EXISTS (SELECT 1 FROM clearing_backlog b
                         WHERE b.redemption_line_id = h.redemption_line_id AND b.released_at IS NOT NULL)
      ORDER BY h.redemption_line_id, r.created_at DESC`,
  );
  return rows.map((r) => ({
    lineId: r.line_id,
    serialNumber: r.serial_number,
    partnerUid: r.partner_uid,
    businessDate: r.business_date,
    isPaid: r.is_paid,
    cost: twdColumn.from(r.cost) as number,
    reason: r.reason,
    runId: r.run_id,
  }));
}

/**
 * Re-clears a held line after a correction (the voucher's terms, the issuer's fee schedule, a payout account):
 * the line takes our record of the sale again (is_paid, cost, sharing, product) and our split from the
 * schedule in force on its date, compared with the gateway's split as at redemption, unless `accept` says
 * which one stands. The next run clears it, or holds it again with the reason that is left.
 * @throws HoldError `HOLD_NOTE_REQUIRED`, `HOLD_NOT_FOUND`, `HOLD_NOT_OPEN`, `HOLD_NO_SALE_RECORD`,
 *   `HOLD_GATEWAY_FEE_UNUSABLE`
 */
export async function reclearHold(
  dataSource: DataSource,
  lineId: string,
  actor: HoldActor,
  accept?: Acceptance,
): Promise<Recleared> {
  const who = requireActor(actor);
  const book = await loadFeeBook(dataSource);
  return dataSource.transaction(async (tx) => {
    const line = await lockHeldLine(tx, lineId);
    if (line.voucher_id === null) {
      throw new HoldError(
        HoldErrorCode.NoSaleRecord,
        `line ${lineId} has no record of the sale to clear from: settle it outside`,
        'lineId',
      );
    }
    const [sale] = await tx.query<
      {
        is_paid: boolean;
        cost: string;
        item_name: string;
        sharing_headquarters: string;
        sharing_sales: string;
        sharing_reimbursement: string;
      }[]
    >(
      `SELECT is_paid, cost::text AS cost, item_name, sharing_headquarters::text AS sharing_headquarters,
              sharing_sales::text AS sharing_sales, sharing_reimbursement::text AS sharing_reimbursement
         FROM vouchers WHERE id = $1`,
      [line.voucher_id],
    );
    if (!sale) throw new HoldError(HoldErrorCode.NoSaleRecord, `voucher of line ${lineId} is gone`, 'lineId');
    const cost = twdColumn.from(sale.cost) as number;
    let ourFee: FeeObjectJson | null = null;
    let feeIssue: string | null = null;
    if (accept === 'gateway') {
      if (!line.gateway_fee || !isSplitOf(line.gateway_fee, cost, sale.is_paid)) {
        throw new HoldError(
          HoldErrorCode.GatewayFeeUnusable,
          `the gateway's split of line ${lineId} is not a split of its value ${cost}`,
          'accept',
        );
      }
      ourFee = line.gateway_fee;
    } else {
      try {
        const rule = book.ruleFor(line.issuer_id, line.business_date, {
          headquarters: sale.sharing_headquarters,
          sales: sale.sharing_sales,
          reimbursement: sale.sharing_reimbursement,
        });
        ourFee = { ...rule.split(twd(cost, 'cost'), sale.is_paid) };
        const differing = line.gateway_fee ? differingKeys(line.gateway_fee, ourFee) : [];
        if (differing.length > 0 && accept !== 'ours') feeIssue = `fee mismatch: ${differing.join(', ')}`;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        feeIssue = `no fee split: ${typeof code === 'string' ? code : 'error'}`;
      }
    }
    // The gateway's word on is_paid or value at redemption (kept only in the issue) stands until one side is
    // accepted: splitting again cannot see it.
    const said = /gateway says [^;]*/.exec(line.fee_issue ?? '')?.[0];
    if (said && accept === undefined) feeIssue = feeIssue === null ? said : `${feeIssue}; ${said}`;
    await tx.query(
      `UPDATE redemption_lines
          SET is_paid = $2, cost = $3, item_name = $4, sharing_headquarters = $5, sharing_sales = $6,
              sharing_reimbursement = $7, our_fee = $8::jsonb, fee_issue = $9, fee_accepted = $10
        WHERE id = $1`,
      [
        lineId,
        sale.is_paid,
        cost,
        sale.item_name,
        sale.sharing_headquarters,
        sale.sharing_sales,
        sale.sharing_reimbursement,
        ourFee === null ? null : JSON.stringify(ourFee),
        feeIssue,
        accept === 'gateway',
      ],
    );
    const action = accept === 'gateway' ? 'fee_accepted' : 'recleared';
    await recordAction(tx, line, action, who, accept ? `${who.note} (accepted: ${accept})` : who.note);
    return { lineId, action, feeIssue };
  });
}

/**
 * Settles a held line outside clearing: no run will clear it (it stays in the backlog, released). A paid
 * voucher sold through us leaves the trust liability by a `hold_settled` journal entry crediting
 * `paid_outside`, so that the liability still equals the value outstanding; a gift or a voucher not sold
 * through us posts nothing. Refused while a run clears (it could clear the line meanwhile).
 * @throws HoldError `HOLD_NOTE_REQUIRED`, `HOLD_CLEARING_BUSY`, `HOLD_NOT_FOUND`, `HOLD_NOT_OPEN`
 */
export async function settleHoldOutside(
  dataSource: DataSource,
  lineId: string,
  actor: HoldActor,
): Promise<SettledOutside> {
  const who = requireActor(actor);
  const now = (actor.clock ?? (() => new Date()))();
  return dataSource.transaction(async (tx) => {
    const [{ locked }] = await tx.query<[{ locked: boolean }]>(
      `SELECT pg_try_advisory_xact_lock(${CLEARING_LOCK}) AS locked`,
    );
    if (!locked) throw new HoldError(HoldErrorCode.ClearingBusy, 'a run is clearing: try again after it');
    const line = await lockHeldLine(tx, lineId);
    await tx.query(
      `INSERT INTO clearing_backlog (redemption_line_id, run_id, released_at) VALUES ($1, $2, $3)
       ON CONFLICT (redemption_line_id) DO UPDATE SET released_at = EXCLUDED.released_at`,
      [lineId, line.run_id, now],
    );
    // Our record of the sale says what the trust holds for it: a paid voucher's value, nothing for a gift.
    const posted = line.sold_paid === true ? line.sold_cost : 0;
    if (posted > 0) {
      const [entry] = await tx.query<{ id: string; business_date: string }[]>(
        `INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
         VALUES (NULL, 'hold_settled', $1, $2, $3)
         ON CONFLICT DO NOTHING
         RETURNING id, business_date::text AS business_date`,
        [lineId, taiwanBusinessDate(now), `settled outside ${line.serial_number}: ${who.note}`.slice(0, 200)],
      );
      if (entry) {
        await tx.query(
          `INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date)
           VALUES ($1, $2, NULL, NULL, $4, $5, $6), ($1, $3, NULL, NULL, -$4::bigint, $5, $6)`,
          [
            entry.id,
            Account.trustLiability,
            Account.paidOutside,
            posted,
            line.serial_number,
            entry.business_date,
          ],
        );
      }
    }
    await recordAction(tx, line, 'settled_outside', who, who.note);
    return { lineId, posted };
  });
}

interface LockedLine {
  id: string;
  partner_id: string;
  voucher_id: string | null;
  serial_number: string;
  is_paid: boolean;
  cost: number;
  business_date: string;
  issuer_id: string;
  gateway_fee: FeeObject | null;
  fee_issue: string | null;
  /** Our record of the sale (null: not sold through us). */
  sold_paid: boolean | null;
  sold_cost: number;
  /** The latest run that held it. */
  run_id: string;
}

/** The held line, locked for this transaction; refused when never held, cleared, or settled outside. */
async function lockHeldLine(tx: EntityManager, lineId: string): Promise<LockedLine> {
  if (!UUID.test(lineId)) throw new HoldError(HoldErrorCode.NotFound, `no held line ${lineId}`, 'lineId');
  const [line] = await tx.query<
    (Omit<LockedLine, 'cost' | 'sold_cost' | 'run_id'> & { cost: string; sold_cost: string | null })[]
  >(
    `SELECT rl.id, rl.partner_id, rl.voucher_id, rl.serial_number, rl.is_paid, rl.cost::text AS cost,
            rl.business_date::text AS business_date, p.issuer_id, rl.gateway_fee, rl.fee_issue,
            v.is_paid AS sold_paid,
            v.cost::text AS sold_cost
       FROM redemption_lines rl JOIN partners p ON p.id = rl.partner_id
       LEFT JOIN vouchers v ON v.id = rl.voucher_id
      WHERE rl.id = $1
        FOR UPDATE OF rl`,
    [lineId],
  );
  const [hold] = await tx.query<{ run_id: string }[]>(
    `SELECT h.run_id FROM settlement_holds h JOIN settlement_runs r ON r.id = h.run_id
      WHERE h.redemption_line_id = $1 ORDER BY r.created_at DESC LIMIT 1`,
    [lineId],
  );
  if (!line || !hold) throw new HoldError(HoldErrorCode.NotFound, `no held line ${lineId}`, 'lineId');
  const [state] = await tx.query<{ cleared: boolean; released: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM clearings WHERE redemption_line_id = $1) AS cleared,
            EXISTS (SELECT 1 FROM clearing_backlog WHERE redemption_line_id = $1 AND released_at IS NOT NULL)
              AS released`,
    [lineId],
  );
  if (state?.cleared || state?.released) {
    throw new HoldError(
      HoldErrorCode.NotOpen,
      `line ${lineId} is ${state.cleared ? 'cleared' : 'settled outside'} already`,
      'lineId',
    );
  }
  return {
    ...line,
    cost: twdColumn.from(line.cost) as number,
    sold_cost: (twdColumn.from(line.sold_cost) as number | null) ?? 0,
    run_id: hold.run_id,
  };
}

/** The action and its reasons, kept; the line's operator item closed with who and what (raised if none is open). */
async function recordAction(
  tx: EntityManager,
  line: LockedLine,
  action: 'recleared' | 'fee_accepted' | 'settled_outside',
  who: { by: string },
  note: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO settlement_hold_actions (redemption_line_id, action, acted_by, note) VALUES ($1, $2, $3, $4)`,
    [line.id, action, who.by, note.slice(0, 500)],
  );
  await raiseOperatorItem(tx, {
    kind: 'settlement_hold',
    reference: line.id,
    partnerId: line.partner_id,
    details: { serial: line.serial_number },
  });
  const [item] = await tx.query<{ id: string }[]>(
    `SELECT id FROM operator_items WHERE kind = 'settlement_hold' AND reference = $1 AND state = 'open'`,
    [line.id],
  );
  if (item) await resolveOperatorItem(tx, item.id, { by: who.by, action });
}

function requireActor(actor: HoldActor): { by: string; note: string } {
  const by = actor.by.trim();
  const note = actor.note.trim();
  if (by.length === 0) throw new HoldError(HoldErrorCode.NoteRequired, 'say who acts', 'by');
  if (note.length === 0) throw new HoldError(HoldErrorCode.NoteRequired, 'say why', 'note');
  return { by: by.slice(0, 100), note };
}

function differingKeys(gateway: FeeObjectJson, ours: FeeObjectJson): string[] {
  return FEE_OBJECT_KEYS.filter((key) => gateway[key] !== ours[key]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
