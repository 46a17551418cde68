import { performance } from 'node:perf_hooks';

/** One phase of the bench: how many redemptions, over how long, each one's latency, and why any failed. */
export interface PhaseResult {
  count: number;
  seconds: number;
  latenciesMs: number[];
  failures: Map<string, number>;
}

/** `workers` loops taking the next serial until the time is up or the serials run out. */
export async function drive(
  serials: string[],
  workers: number,
  seconds: number,
  redeem: (serial: string, worker: number) => Promise<string | undefined>,
): Promise<PhaseResult> {
  const latenciesMs: number[] = [];
  const failures = new Map<string, number>();
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const loop = async (worker: number) => {
    while (performance.now() < deadline) {
      const serial = serials.shift();
      if (serial === undefined) return;
      const t0 = performance.now();
      const failure = await redeem(serial, worker).catch((error: unknown) => String(error).slice(0, 80));
      latenciesMs.push(performance.now() - t0);
      if (failure !== undefined) failures.set(failure, (failures.get(failure) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, i) => loop(i)));
  return { count: latenciesMs.length, seconds: (performance.now() - started) / 1000, latenciesMs, failures };
}
