import { addTwd, taiwanBusinessDate, twd } from '@tixclear/domain';
import { z } from 'zod';
import {
  MOVEMENT_KINDS,
  type GatewayDayFigures,
  type GatewayFiguresSource,
  type MovementKind,
} from './ports';

/** The simulator's holding kinds (tools/gateway-simulator, state/holdings.ts) as the kinds we compare. */
const HOLDING_KIND: Readonly<Record<string, MovementKind>> = {
  voucher_purchase_paid: 'purchase_paid',
  paypage_paid: 'purchase_paid',
  voucher_refund: 'refund',
  paypage_refund: 'refund',
  esvc_refund: 'refund',
  refund_cancelled: 'refund',
  redemption_fees: 'redemption',
  payoff_paid: 'payoff_item',
  trust_expiry: 'expiry',
};

const money = z.number().int().refine(Number.isSafeInteger, 'whole TWD');

const movementSchema = z.object({
  kind: z.string(),
  amount: money,
  at: z.string(),
  ref: z.string(),
});

/**
 * `GET /_control/holdings/<merchant>?date=YYYYMMDD&movements`: the balance at the end of the day (`total`), and
 * every movement of the merchant's holdings (`list`, oldest first).
 */
const holdingsSchema = z.object({
  total: money,
  list: z.array(movementSchema),
});

function kindOf(holding: string): MovementKind {
  const kind = HOLDING_KIND[holding];
  if (kind === undefined) throw new Error(`the simulator's holding kind ${holding} is not mapped`);
  return kind;
}

const compact = (date: string) => date.replaceAll('-', '');

/**
 * The gateway simulator's record of the money it holds per merchant, over its control API (tests, demo,
 * simulation): the balance at the end of the date, and the date's movements one by one (by Taiwan date), which
 * give the date's money by kind. A merchant the simulator does not know has no figures.
 */
export function simulatorSource(controlUrl: string, fetchImpl: typeof fetch = fetch): GatewayFiguresSource {
  const base = controlUrl.replace(/\/+$/, '');
  return {
    describe: () => `simulator ${base}`,
    async dayFigures(merchantUid: string, date: string): Promise<GatewayDayFigures | undefined> {
      const url = `${base}/_control/holdings/${encodeURIComponent(merchantUid)}?date=${compact(date)}&movements`;
      const response = await fetchImpl(url);
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`the simulator's holdings answered ${response.status}`);
      const holdings = holdingsSchema.parse(await response.json());
      const byKind = Object.fromEntries(MOVEMENT_KINDS.map((k) => [k, 0])) as Record<MovementKind, number>;
      const movements = holdings.list
        .filter((m) => taiwanBusinessDate(new Date(m.at)) === date)
        .map((m) => ({ kind: kindOf(m.kind), reference: m.ref, amount: m.amount }));
      for (const m of movements) byKind[m.kind] = addTwd(twd(byKind[m.kind]), twd(m.amount));
      return { merchantUid, date, held: holdings.total, byKind, movements };
    },
  };
}
