/**
 * What the gateway says about one paying merchant's money on one business date, and the port that tells it.
 *
 * The gateway has no balance command: its query commands answer only about orders we name (they confirm our
 * operations, they can reveal neither the money held nor an operation we never recorded), and a pay-off batch's
 * query only its items. In production the figures come from the gateway's daily merchant statement, which the
 * operator imports as a file (`statementDirectorySource`); in tests, the demo and the simulation from the
 * gateway simulator's control API (`simulatorSource`), behind the same port, so the same comparison is proven.
 */

/** The kinds of operation that move the money the gateway holds for a merchant. */
export const MOVEMENT_KINDS = ['purchase_paid', 'redemption', 'refund', 'payoff_item', 'expiry'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** One operation's effect on the money held: positive in (a payment), negative out (refunds, fees, pay-offs). */
export interface GatewayMovement {
  kind: MovementKind;
  /**
   * The order as the gateway knows it: the `order_id` we sent (our `operations.upstream_order_id`) for purchases,
   * redemptions and refunds; the item id for a pay-off item.
   */
  reference: string;
  /** Whole TWD: what the operation moved in (+) or out (−) of the held money; a redemption's fees kept are out. */
  amount: number;
}

export interface GatewayDayFigures {
  merchantUid: string;
  /** Taiwan business date, YYYY-MM-DD. */
  date: string;
  /** What the gateway holds for the merchant at the end of the date, whole TWD. */
  held: number;
  /** The money the date's operations moved, by kind (signed as a movement). */
  byKind: Record<MovementKind, number>;
  /** The date's operations one by one, when the source lists them (then they sum to `byKind`). */
  movements?: GatewayMovement[];
}

export interface GatewayFiguresSource {
  /** Where the figures come from, recorded with each reconciliation. */
  describe(merchantUid: string, date: string): string;
  /** The figures of one merchant and date; undefined when the source has none (no statement imported yet). */
  dayFigures(merchantUid: string, date: string): Promise<GatewayDayFigures | undefined>;
}
