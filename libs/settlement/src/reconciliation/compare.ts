import { addTwd, twd } from '@tixclear/domain';
import { ourOperation, type BooksDay, type EntryRef, type OurOperation } from './books';
import { MOVEMENT_KINDS, type GatewayDayFigures, type MovementKind } from './ports';

/** One way the books and the gateway disagree, with its reason. */
export interface ReconciliationDifference {
  /** `held` (the balances), a kind of operation (one operation, or the kind's count or total), or `entry`. */
  subject: 'held' | 'entry' | MovementKind;
  /** The operation (gateway reference) or entry concerned, when one is. */
  reference?: string;
  /** The gateway's figure and ours, whole TWD or a count, when the difference is between two figures. */
  gateway?: number;
  books?: number;
  reason: string;
  /** What `gateway` and `books` measure: whole TWD, or a count of operations. */
  measure?: 'money' | 'count';
  /** Open operator items naming the operation (their kinds): a person has it in hand. */
  queued?: string[];
  /** Our operation the gateway's reference names (its id), when we have one. */
  operation?: string;
}

export interface KindFigures {
  /** In our operations of the date (completed on it). */
  operations: number;
  /** Booked: operations the date's journal moved the receivable for. */
  booked: number;
  /** At the gateway: its operations of the date (when the source lists them). */
  gateway: number | null;
  /** Money moved by the date's operations of the kind: the journal's, and the gateway's. */
  bookedAmount: number;
  gatewayAmount: number | null;
}

export interface MerchantReconciliation {
  merchantUid: string;
  date: string;
  source: string;
  booksHeld: number;
  /** Null when the source had no figures. */
  gatewayHeld: number | null;
  kinds: Record<MovementKind, KindFigures>;
  differences: ReconciliationDifference[];
}

const LABEL: Readonly<Record<MovementKind, [one: string, many: string]>> = {
  purchase_paid: ['purchase', 'purchases paid'],
  redemption: ['redemption', 'redemptions'],
  refund: ['refund', 'refunds'],
  payoff_item: ['pay-off item', 'pay-off items paid'],
  expiry: ['voucher expiry', 'vouchers whose trust ended unused'],
};

const plus = (a: number, b: number): number => addTwd(twd(a), twd(b));

function sumBy(movements: readonly { kind: MovementKind; reference: string; amount: number }[]) {
  const sums = new Map<string, { kind: MovementKind; reference: string; amount: number }>();
  for (const m of movements) {
    const key = `${m.kind}|${m.reference}`;
    const found = sums.get(key);
    if (found) found.amount = plus(found.amount, m.amount);
    else sums.set(key, { ...m });
  }
  return sums;
}

/** What our records say of an operation the gateway has and the books have not moved for. */
function whyUnbooked(kind: MovementKind, ours: OurOperation | undefined, date: string): string {
  const reason = whyUnbookedBare(kind, ours, date);
  return ours === undefined || ours.items.length === 0
    ? reason
    : `${reason}; open operator item: ${ours.items.join(', ')}`;
}

function whyUnbookedBare(kind: MovementKind, ours: OurOperation | undefined, date: string): string {
  if (kind === 'payoff_item') return 'not booked as paid';
  if (ours === undefined)
    return kind === 'refund'
      ? 'we have no such operation (no refund of ours has that refund uid or order id)'
      : 'we have no such operation';
  if (ours.refundUid !== null)
    return `our ${ours.command} of order ${ours.orderId}: ${whyBare(kind, ours, date)}`;
  return whyBare(kind, ours, date);
}

function whyBare(kind: MovementKind, ours: OurOperation, date: string): string {
  if (ours.state !== 'succeeded' && ours.state !== 'paid') return `ours is ${ours.state}`;
  if (ours.completedOn !== null && ours.completedOn !== date) return `ours completed on ${ours.completedOn}`;
  if (kind === 'redemption' && ours.lines === 0)
    return `our ${ours.command} wrote no line (no voucher of ours)`;
  if (kind === 'redemption' && ours.held > 0)
    return `${ours.held} of its ${ours.lines} line(s) held by settlement`;
  if (kind === 'redemption' && ours.cleared < ours.lines)
    return `${ours.lines - ours.cleared} of its ${ours.lines} line(s) not cleared yet`;
  if (kind === 'redemption')
    return `its ${ours.lines} line(s) cleared on another date, or its vouchers sold through another merchant`;
  return 'not yet booked';
}

/**
 * Compares one merchant's books with the gateway's figures for a date: the balances, then (when the source lists
 * the gateway's operations) each operation's money, and each kind's count and total. Every difference carries
 * its reason, in the terms an operator acts on. Pure: the same inputs give the same differences, in order.
 */
export function compareDay(input: {
  date: string;
  source: string;
  books: BooksDay;
  gateway: GatewayDayFigures | undefined;
  ours: ReadonlyMap<string, OurOperation>;
  unattributed?: readonly EntryRef[];
}): MerchantReconciliation {
  const { date, books, gateway } = input;
  const differences: ReconciliationDifference[] = [];
  const listed = gateway?.movements !== undefined;
  const theirs = sumBy(gateway?.movements ?? []);
  const booked = sumBy(books.movements);

  const kinds = {} as Record<MovementKind, KindFigures>;
  for (const kind of MOVEMENT_KINDS) {
    const refs = (map: Map<string, { kind: MovementKind }>) =>
      [...map.values()].filter((m) => m.kind === kind).length;
    kinds[kind] = {
      operations: new Set(books.operations[kind]).size,
      booked: refs(booked),
      gateway: listed ? refs(theirs) : null,
      bookedAmount: books.byKind[kind],
      gatewayAmount: gateway === undefined ? null : gateway.byKind[kind],
    };
  }

  if (gateway === undefined) {
    differences.push({
      subject: 'held',
      books: books.held,
      reason: `the gateway's figures for ${date} are missing (${input.source})`,
    });
  } else {
    // Operation by operation: money the gateway moved that the books did not, or moved otherwise.
    for (const [key, g] of theirs) {
      const b = booked.get(key);
      const [one] = LABEL[g.kind];
      if (b === undefined) {
        if (g.amount === 0) continue; // nothing to book (gift vouchers only)
        const ours = ourOperation(input.ours, g.kind, g.reference);
        differences.push({
          subject: g.kind,
          reference: g.reference,
          gateway: g.amount,
          reason: `${one} ${g.reference} moved ${g.amount} at the gateway, not booked: ${whyUnbooked(g.kind, ours, date)}`,
          ...(ours !== undefined && ours.items.length > 0 ? { queued: ours.items } : {}),
          ...(ours !== undefined ? { operation: ours.id } : {}),
        });
      } else if (b.amount !== g.amount) {
        differences.push({
          subject: g.kind,
          reference: g.reference,
          gateway: g.amount,
          books: b.amount,
          reason:
            g.kind === 'redemption'
              ? `${one} ${g.reference}: fee kept ${-g.amount} vs booked ${-b.amount}`
              : `${one} ${g.reference}: ${g.amount} at the gateway vs booked ${b.amount}`,
        });
      }
    }
    for (const [key, b] of listed ? booked : new Map<string, never>()) {
      if (theirs.has(key) || b.amount === 0) continue;
      const [one] = LABEL[b.kind];
      differences.push({
        subject: b.kind,
        reference: b.reference,
        books: b.amount,
        reason: `${one} ${b.reference} booked ${b.amount} on ${date}, the gateway has no such ${one} that day`,
      });
    }
    for (const kind of MOVEMENT_KINDS) {
      const figures = kinds[kind];
      const [, many] = LABEL[kind];
      if (figures.gateway !== null && figures.gateway !== figures.booked)
        differences.push({
          subject: kind,
          measure: 'count',
          gateway: figures.gateway,
          books: figures.booked,
          reason: `${figures.gateway} ${many} moved money at the gateway, ${figures.booked} booked (${figures.operations} in our operations)`,
        });
      if (figures.gatewayAmount !== null && figures.gatewayAmount !== figures.bookedAmount)
        differences.push({
          subject: kind,
          measure: 'money',
          gateway: figures.gatewayAmount,
          books: figures.bookedAmount,
          reason: `${many}: ${figures.gatewayAmount} at the gateway vs ${figures.bookedAmount} booked in the journal`,
        });
    }
    // The journal books a date's fees kept as one entry per merchant: it must be the sum of the vouchers'.
    const cleared = books.movements
      .filter((m) => m.kind === 'redemption')
      .reduce((sum, m) => plus(sum, m.amount), 0);
    if (cleared !== books.byKind.redemption)
      differences.push({
        subject: 'redemption',
        books: books.byKind.redemption,
        reason: `fees kept booked ${-books.byKind.redemption}, the date's cleared vouchers' escrow and gateway fees ${-cleared}`,
      });
    if (books.held !== gateway.held) {
      const dayGap = MOVEMENT_KINDS.reduce(
        (sum, kind) => plus(sum, (kinds[kind].gatewayAmount ?? 0) - kinds[kind].bookedAmount),
        0,
      );
      const carried = gateway.held - books.held - dayGap;
      differences.push({
        subject: 'held',
        gateway: gateway.held,
        books: books.held,
        reason:
          `the gateway holds ${gateway.held}, gateway_receivable is ${books.held}` +
          (carried === 0 ? '' : ` (${carried} of it from before ${date} or from other entries)`),
      });
    }
  }
  for (const entry of input.unattributed ?? [])
    differences.push({
      subject: 'entry',
      reference: `${entry.kind}:${entry.reference}`,
      books: entry.amount,
      reason: `journal entry ${entry.kind} ${entry.reference} moves gateway_receivable by ${entry.amount} and names no merchant`,
    });
  return {
    merchantUid: books.merchantUid,
    date,
    source: input.source,
    booksHeld: books.held,
    gatewayHeld: gateway?.held ?? null,
    kinds,
    differences,
  };
}
