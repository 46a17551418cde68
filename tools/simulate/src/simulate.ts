import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TICKS, runDay } from './day';
import { checkInvariants, INVARIANT_IDS, type Broken, type InvariantId } from './invariants';
import { FAULT_CLASSES, Load, type FaultClass } from './load';
import { recurringCharges } from './recurring-truth';
import { explain, World } from './world';

export interface SeedOptions {
  seed: number;
  days: number;
  partners: number;
  /** The PostgreSQL server to make each seed's scratch database on. */
  serverUrl: string;
  /** Fault classes switched on (default: all). */
  faults?: readonly FaultClass[];
  /** Ticks of load per business day (default DEFAULT_TICKS). */
  ticks?: number;
  /** Invariants checked (default: all). */
  check?: readonly InvariantId[];
}

export interface SeedResult {
  seed: number;
  /** Days simulated (up to the one that broke an invariant). */
  days: number;
  broken?: Broken & { day: number };
  stats: { requests: number; crashes: number; forged: number; late: number; cleared: number; ms: number };
  /**
   * Recurring agreements' later charges: the gateway took (`taken`), we recorded (`recorded`), the gateway took on
   * or after our stop day and we did not take (`refusedAfterStop`).
   */
  charges: { taken: number; recorded: number; refusedAfterStop: number };
  /** Answers by command and code. */
  outcomes: Record<string, number>;
}

/**
 * One seed: a fresh world, `days` simulated days, the invariants after each; stops at the first broken one.
 */
export async function simulateSeed(options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const faults = new Set<FaultClass>(options.faults ?? FAULT_CLASSES);
  const exportRoot = mkdtempSync(path.join(tmpdir(), 'tixclear-sim-'));
  const world = await World.start(
    {
      seed: options.seed,
      partners: options.partners,
      serverUrl: options.serverUrl,
      crashRate: 0,
      refuseReports: faults.has('reports'),
    },
    exportRoot,
  );
  const load = new Load(world, faults);
  let broken: SeedResult['broken'];
  let days = 0;
  try {
    for (let day = 0; day < options.days && !broken; day += 1) {
      try {
        const settled = await runDay(world, load, day, {
          payoffFaults: faults.has('payoff_items'),
          crashRate: faults.has('crash') ? 0.04 : 0,
          ticks: options.ticks ?? DEFAULT_TICKS,
        });
        days += 1;
        const found = await checkInvariants(world, settled, new Set(options.check ?? INVARIANT_IDS));
        if (found) broken = { ...found, day: day + 1 };
      } catch (error) {
        broken = { invariant: 'the day runs to its end', detail: explain(error), day: day + 1 };
      }
    }
    const [cleared] = await world.db.dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM clearings`);
    for (const row of await world.db.dataSource.query<{ k: string; n: string }[]>(
      `SELECT 'batch ' || state AS k, count(*)::text AS n FROM payout_batches GROUP BY 1
       UNION ALL SELECT 'item ' || state, count(*)::text FROM payout_items GROUP BY 1`,
    )) {
      load.outcomes.set(row.k, Number(row.n));
    }
    const { charges } = await recurringCharges(world);
    const fired = world.sim.control.faults().fired;
    for (const f of fired)
      load.outcomes.set(
        `fault ${f.fault} ${f.command ?? ''}`,
        (load.outcomes.get(`fault ${f.fault} ${f.command ?? ''}`) ?? 0) + 1,
      );
    return {
      seed: options.seed,
      days,
      ...(broken ? { broken } : {}),
      outcomes: Object.fromEntries([...load.outcomes].sort()),
      stats: {
        ...load.stats,
        crashes: load.stats.crashes + world.crashes,
        cleared: Number(cleared?.n ?? 0),
        ms: Date.now() - started,
      },
      charges: {
        taken: charges.length,
        recorded: charges.filter((c) => c.recorded !== undefined).length,
        refusedAfterStop: charges.filter((c) => c.afterStop && c.recorded === undefined).length,
      },
    };
  } finally {
    await world.close();
    rmSync(exportRoot, { recursive: true, force: true });
  }
}

/** The line printed for a seed. */
export function summaryLine(result: SeedResult): string {
  const s = result.stats;
  const c = result.charges;
  const head = `seed ${result.seed}: ${result.days} day(s), ${s.requests} requests, ${s.crashes} crashes, ${s.forged} forged + ${s.late} late reports, ${s.cleared} cleared, ${c.taken} recurring charges (${c.recorded} recorded, ${c.refusedAfterStop} refused after a stop), ${(s.ms / 1000).toFixed(1)} s`;
  return result.broken
    ? `${head} — BROKEN on day ${result.broken.day}: ${result.broken.invariant}: ${result.broken.detail}`
    : `${head} — ok`;
}
