import type { LinePosition } from './candidates';
import type { Clearing, ChunkResult } from './clearing';

export interface ClearAllOptions {
  /** Lines per chunk (one transaction each). */
  chunkSize: number;
  /** Concurrent chunks (database connections); 2 suits a 2-core server. */
  lanes?: number;
  /** Called after each chunk with the lines it cleared or held. */
  onChunk?: (examined: number) => void;
  /** Called once the pass is open, with the number of lines it will examine (for a progress bar). */
  onStart?: (toExamine: number) => void;
}

/**
 * Clears everything a run has to clear: the backlog first, then the fresh lines, in `lanes` concurrent loops
 * that take consecutive ranges of them in turn (a chunk's work is mostly one database statement, so a second
 * lane puts a second core to work). Ranges never overlap and each chunk is its own transaction, so
 * interrupting any of them is as safe as interrupting one; the run's horizon is recorded only once all are
 * done, so an interrupted run is read again from the same place.
 */
export async function clearAll(
  clearing: Clearing,
  runId: string,
  periodEnd: string,
  options: ClearAllOptions,
): Promise<ChunkResult> {
  const pass = await clearing.open(runId, periodEnd);
  // Counting the lines reads them once more: only for a progress bar.
  if (options.onStart) options.onStart(await clearing.toExamine(pass));
  const totals = { cleared: 0, held: 0 };
  const count = (chunk: ChunkResult) => {
    totals.cleared += chunk.cleared;
    totals.held += chunk.held;
    options.onChunk?.(chunk.cleared + chunk.held);
  };

  let afterLine: string | undefined;
  for (;;) {
    const chunk = await clearing.clearBacklog(pass, afterLine, options.chunkSize);
    if (chunk.last === undefined) break;
    count(chunk);
    afterLine = chunk.last;
  }

  // The lanes share one position: the next range is cut under a chain of promises, one cut at a time. A lane
  // that fails stops the others at their next cut, and the pass returns only once none is writing any more.
  let position = clearing.start(pass);
  let cuts: Promise<unknown> = Promise.resolve();
  let failed = false;
  const nextRange = (): Promise<{ after: LinePosition; last: LinePosition } | undefined> => {
    const cut = cuts.then(async () => {
      if (failed) return undefined;
      const after = position;
      const last = await clearing.nextRange(after, options.chunkSize);
      if (last) position = last;
      return last && { after, last };
    });
    cuts = cut.catch(() => undefined);
    return cut;
  };
  const lanes = Math.max(1, Math.min(16, options.lanes ?? 2));
  const outcomes = await Promise.allSettled(
    Array.from({ length: lanes }, async () => {
      try {
        for (let range = await nextRange(); range; range = await nextRange()) {
          count(await clearing.clearRange(pass, range.after, range.last));
        }
      } catch (error) {
        failed = true;
        throw error;
      }
    }),
  );
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  await clearing.close(pass);
  return totals;
}
