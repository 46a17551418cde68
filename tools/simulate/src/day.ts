import { DomainError, taiwanBusinessDate } from '@tixclear/domain';
import { SimulatedCrash } from './crashes';
import type { Load } from './load';
import { explain, SIM_START, type World } from './world';

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
/** A business day: 08:00 to 22:00, in this many ticks by default. */
export const DEFAULT_TICKS = 42;
const BUSINESS_MINUTES = 14 * 60;

/**
 * One simulated business day: the load in ticks (the reconciler running now and then, as the worker would),
 * the evening's catch-up with faults switched off, then the night's settlement of the day with its pay-offs
 * approved, covered or failed by the simulated gateway. Returns the settled date and its run.
 */
export async function runDay(
  world: World,
  load: Load,
  dayIndex: number,
  options: { payoffFaults: boolean; crashRate: number; ticks: number },
): Promise<{ date: string; runId: string | undefined }> {
  const { clock, sim, rng } = world;
  await clock.set(new Date(SIM_START.getTime() + dayIndex * DAY_MS));
  const date = taiwanBusinessDate(clock.now());
  sim.control.setFaults({
    rules: load.standingFaults(),
    payoffItemRates: options.payoffFaults ? { C2001: 0.15, C2002: 0.1 } : { C2001: 0, C2002: 0 },
  });
  const t0 = Date.now();
  const opening = clock.now().getTime();
  world.options.crashRate = 0;
  const tickMs = Math.floor((BUSINESS_MINUTES * MINUTE) / options.ticks);
  for (let tick = 0; tick < options.ticks; tick += 1) {
    await load.tick();
    if (rng.chance(0.3)) {
      world.options.crashRate = options.crashRate;
      await reconcile(world);
      world.options.crashRate = 0;
    }
    await clock.set(new Date(opening + (tick + 1) * tickMs));
  }

  const t1 = Date.now();
  // The evening: the gateway behaves, the worker catches up on everything it can settle by query.
  sim.control.setFaults({
    rules: [],
    payoffItemRates: options.payoffFaults ? { C2001: 0.15, C2002: 0.1 } : { C2001: 0, C2002: 0 },
  });
  for (let round = 0; round < 6; round += 1) {
    await clock.advance(11 * MINUTE);
    await reconcile(world);
    await world.quiesce();
  }

  const t2 = Date.now();
  // The night: settle the day at 00:30.
  await clock.set(new Date(SIM_START.getTime() + dayIndex * DAY_MS + 16.5 * 3_600_000));
  if (options.payoffFaults) {
    sim.control.addFaults([
      {
        fault: 'commit_then_drop',
        command: ['payoffremittance', 'payoffcoveringremittance'],
        probability: 0.35,
      },
      // A query the gateway refuses is not an answer: the batch it asks about may well exist.
      { fault: 'system_error', command: 'payoffquery', probability: 0.3 },
      { fault: 'refuse', code: '100', command: 'payoffquery', probability: 0.5 },
      { fault: 'http_status', command: ['payoffremittance', 'payoffquery'], status: 503, probability: 0.1 },
    ]);
  }
  world.options.crashRate = options.crashRate;
  const runId = await settle(world, date);
  world.options.crashRate = 0;
  // The worker's reconciler keeps running through the night (what is past its horizon goes to an operator).
  await reconcile(world);
  sim.control.setFaults({ rules: [] });
  if (process.env.SIM_PROFILE)
    console.error(
      `day ${date}: load ${Date.now() - t0 - (Date.now() - t1)} ms, evening ${t2 - t1} ms, night ${Date.now() - t2} ms`,
    );
  return { date, runId };
}

async function reconcile(world: World): Promise<void> {
  try {
    await world.ops.reconciler.runOnce();
    // The worker's sweep of reports left pending (their wake-up could not ask the gateway).
    await (world.ops.notifications as { sweep?: () => Promise<unknown> }).sweep?.();
    await world.quiesce();
  } catch (error) {
    if (error instanceof SimulatedCrash) return world.rebuild();
    world.unexpected.push(`the reconciler threw: ${explain(error)}`);
  }
}

/**
 * The night's run, driven to completion: the approver releases each batch the gateway holds (or lets it wait a
 * pass), the runner is run again after each move and after each crash, and an operator re-includes some of the
 * exceptions left by earlier nights.
 */
async function settle(world: World, date: string): Promise<string | undefined> {
  const { rng, sim } = world;
  for (const exception of await world.settlement.payouts.listExceptions()) {
    if (!rng.chance(0.5)) continue;
    try {
      await world.settlement.payouts.reincludeException(exception.itemId);
    } catch (error) {
      if (error instanceof SimulatedCrash) world.rebuild();
      else if (!(error instanceof DomainError))
        world.unexpected.push(`re-including an exception threw: ${explain(error)}`);
    }
  }
  let runId: string | undefined;
  let lastError: unknown;
  for (let pass = 0; pass < 40; pass += 1) {
    try {
      const result = await world.settlement.runner.run(date, date, { payoutPollMs: 0, lanes: 1 });
      if (result === 'busy') continue;
      runId = result.run.id;
      lastError = undefined;
      if (result.status === 'completed') return runId;
    } catch (error) {
      if (error instanceof SimulatedCrash) {
        world.rebuild();
        continue;
      }
      lastError = error;
    }
    for (const batch of sim.state.batches.values()) {
      if (batch.code === 'S01' && rng.chance(0.7))
        sim.control.approveBatch(batch.groupId, { storeUid: batch.storeUid });
    }
    // The operator has each parked pay-off batch (the gateway would not say where it stands) asked again.
    const parked = await world.db.dataSource.query<{ group_id: string }[]>(
      `SELECT group_id FROM payout_batches WHERE state = 'parked'`,
    );
    for (const { group_id: groupId } of parked) {
      try {
        await world.settlement.payouts.retryParkedBatch(groupId, 'simulation');
      } catch (error) {
        if (error instanceof SimulatedCrash) world.rebuild();
        else if (!(error instanceof DomainError))
          world.unexpected.push(`retrying a parked batch threw: ${explain(error)}`);
      }
    }
    await world.clock.advance(2 * MINUTE);
  }
  world.settlementFailures.push(
    `the settlement of ${date} did not complete${lastError === undefined ? '' : `: ${explain(lastError)}`}`,
  );
  return runId;
}
