/** A voucher that an `esvcrefund` of its purchase may release: its id, its value and serial (whole TWD). */
export interface ReleasableVoucher {
  id: string;
  cost: number;
  serial: string;
}

/**
 * Search nodes (a count tried for one value) the choice may visit. Finding the fewest vouchers that sum to an
 * amount is a subset-sum problem, exponential in the number of distinct values at worst; the search runs inside
 * the transaction that locks the purchase's vouchers, so it must end in milliseconds. A purchase's vouchers come
 * from its items, a few distinct values each, where the search visits tens of nodes; 100,000 nodes is some tens
 * of milliseconds, and a purchase that needs more waits for a person rather than stalling the run.
 */
export const VOUCHER_CHOICE_BOUND = 100_000;

export type VoucherChoice =
  | { kind: 'chosen'; ids: string[] }
  /** No set of the vouchers is worth exactly the amount (part of a voucher, more than all of them). */
  | { kind: 'none' }
  /** The search reached its bound before it could say which set is the fewest. */
  | { kind: 'bound'; visited: number };

/**
 * The fewest vouchers whose values sum to exactly `amount`. Vouchers of one value are interchangeable, so the
 * search goes over how many of each distinct value (largest first, most of it first) and prunes any branch that
 * cannot beat the best found. Ties are broken the same way every time: among sets of the fewest vouchers, the one
 * with the most of the largest value, then of the next; within a value, the lowest serials.
 */
export function chooseVouchers(
  vouchers: readonly ReleasableVoucher[],
  amount: number,
  bound = VOUCHER_CHOICE_BOUND,
): VoucherChoice {
  if (!Number.isSafeInteger(amount) || amount <= 0) return { kind: 'none' };
  const byValue = new Map<number, ReleasableVoucher[]>();
  for (const v of vouchers) {
    if (!Number.isSafeInteger(v.cost) || v.cost <= 0) continue;
    const group = byValue.get(v.cost) ?? [];
    group.push(v);
    byValue.set(v.cost, group);
  }
  const values = [...byValue.keys()].sort((a, b) => b - a);
  const counts = values.map((value) => byValue.get(value)?.length ?? 0);
  // What all vouchers of values[i..] are worth together: a branch that cannot reach the amount is cut.
  const worthFrom = new Array<number>(values.length + 1).fill(0);
  for (let i = values.length - 1; i >= 0; i -= 1)
    worthFrom[i] = (worthFrom[i + 1] ?? 0) + values[i]! * counts[i]!;

  let best: number[] | null = null;
  let bestCount = Infinity;
  let visited = 0;
  let exhausted = false;
  const taken = new Array<number>(values.length).fill(0);

  const search = (i: number, left: number, used: number): void => {
    if (left === 0) {
      if (used < bestCount) {
        bestCount = used;
        best = [...taken];
      }
      return;
    }
    if (i >= values.length || left > (worthFrom[i] ?? 0)) return;
    const value = values[i]!;
    // Every voucher from here is worth at most `value`: at least ceil(left / value) more are needed.
    if (used + Math.ceil(left / value) >= bestCount) return;
    for (let k = Math.min(counts[i]!, Math.floor(left / value)); k >= 0; k -= 1) {
      visited += 1;
      if (visited > bound) {
        exhausted = true;
        return;
      }
      taken[i] = k;
      search(i + 1, left - k * value, used + k);
      taken[i] = 0;
      if (exhausted) return;
    }
  };
  search(0, amount, 0);

  if (exhausted) return { kind: 'bound', visited: bound };
  const chosen: number[] | null = best;
  if (chosen === null) return { kind: 'none' };
  const ids: string[] = [];
  values.forEach((value, i) => {
    const group = [...(byValue.get(value) ?? [])].sort((a, b) =>
      a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0,
    );
    for (const v of group.slice(0, chosen[i] ?? 0)) ids.push(v.id);
  });
  return { kind: 'chosen', ids };
}
