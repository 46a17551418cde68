/** What a pay-off step does for a run (see payouts/). */
export interface PayoutStep {
  /** Builds the run's payables, batches and items (idempotent). */
  build(runId: string): Promise<void>;
  /**
   * Moves the run's batches forward (submit, follow, cover, resolve unknowns). `done` once every batch is in a
   * final state; `waiting` while the gateway still works (approval pending, remitting).
   */
  advance(runId: string): Promise<'done' | 'waiting'>;
}

export interface ExportedFile {
  name: string;
  sha256: string;
  bytes: number;
}

/** Writes a run's finance exports (see exports/); regenerating gives byte-identical files. */
export interface ExportStep {
  export(runId: string): Promise<{ directory: string; files: ExportedFile[] }>;
}

export interface Progress {
  /** Called as the run moves on; `done`/`total` when the step can count. */
  step(name: string, done?: number, total?: number): void;
}

export const silentProgress: Progress = { step: () => undefined };
