import http from 'node:http';
import https from 'node:https';
import type { NotifyFaultDecision } from './faults';
import type { NotifyFormat } from './merchants';
import { httpBuildQuery } from '@tixclear/gateway-client';
import type { Clock } from './ports';

/*
 * Background reports to the merchant's notification URL (seed 000/001 開發前請先閱讀 and 附錄三): the gateway
 * posts the result and the merchant must answer the body `8888`; otherwise it tries again, 5 times in all, then
 * gives up (the real one e-mails people). Success is the body alone (trimmed), whatever the HTTP status: that is
 * all the seeds ask of a merchant. The seeds do not say how the fields are posted; the default is PHP form
 * fields (what a PHP gateway's http_build_query sends, nested arrays as `items[0][id]`), JSON on request.
 */

export interface Report {
  /** The command whose result this is (`voucherservicepurchase`, `vouchertransaction`, `voucherrefund`, `orders`). */
  readonly command: string;
  readonly merchantUid: string;
  readonly url: string;
  readonly format: NotifyFormat;
  readonly payload: Readonly<Record<string, unknown>>;
}

export type NotificationState =
  'held' | 'sending' | 'waiting_retry' | 'delivered' | 'failed' | 'suppressed' | 'cancelled';

export interface DeliveryAttempt {
  readonly at: string;
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

export interface NotificationRecord {
  readonly id: number;
  readonly command: string;
  readonly merchantUid: string;
  readonly url: string;
  readonly format: NotifyFormat;
  readonly payload: Readonly<Record<string, unknown>>;
  /** The exact request body posted. */
  readonly body: string;
  /** `duplicate`: a repeat injected by the `notify_duplicate` fault, of the record `duplicateOf`. */
  readonly copy: 'original' | 'duplicate';
  readonly duplicateOf?: number;
  readonly enqueuedAt: string;
  state: NotificationState;
  attempts: DeliveryAttempt[];
  deliveredAt?: string;
}

export interface NotifierOptions {
  /** Attempts in all (the seeds: 5). */
  readonly attempts: number;
  /** Delay before the 2nd, 3rd, ... attempt; the last value repeats. */
  readonly backoffMs: readonly number[];
  /** Per attempt. */
  readonly timeoutMs: number;
  readonly clock: Clock;
}

interface Sleeper {
  readonly timer: NodeJS.Timeout;
  readonly wake: () => void;
}

export class Notifier {
  readonly #options: NotifierOptions;
  #records: NotificationRecord[] = [];
  readonly #active = new Set<Promise<void>>();
  readonly #sleepers = new Set<Sleeper>();
  readonly #held = new Map<number, () => void>();
  #generation = 0;
  #abort = new AbortController();
  #nextId = 1;

  constructor(options: NotifierOptions) {
    this.#options = options;
  }

  /** Queues one report; the fault decision may suppress it, hold it back or repeat it. */
  enqueue(report: Report, decision: NotifyFaultDecision): NotificationRecord {
    const record = this.#create(report, 'original');
    if (decision.suppress) {
      record.state = 'suppressed';
      return record;
    }
    this.#track(this.#run(report, record, decision, this.#generation));
    return record;
  }

  list(): NotificationRecord[] {
    return this.#records.map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  /** Resolves once no report is waiting, held or in flight. */
  async settled(): Promise<void> {
    while (this.#active.size > 0) await Promise.allSettled([...this.#active]);
  }

  /** Forgets everything and stops every delivery in progress (their records end `cancelled`). */
  reset(): void {
    this.#generation += 1;
    this.#abort.abort();
    this.#abort = new AbortController();
    for (const sleeper of this.#sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    this.#sleepers.clear();
    this.#held.clear();
    for (const record of this.#records) {
      if (!['delivered', 'failed', 'suppressed'].includes(record.state)) record.state = 'cancelled';
    }
    this.#records = [];
    this.#nextId = 1;
  }

  async close(): Promise<void> {
    this.reset();
    await this.settled();
  }

  async #run(
    report: Report,
    record: NotificationRecord,
    decision: NotifyFaultDecision,
    generation: number,
  ): Promise<void> {
    // Reports leave after the answer of the request that caused them has been written, as on a real gateway
    // where the background job starts after the transaction.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (generation !== this.#generation) return;
    if (decision.holdMs !== undefined) {
      record.state = 'held';
      await this.#sleep(decision.holdMs, (wake) => this.#held.set(record.id, wake));
      this.#held.delete(record.id);
      if (generation !== this.#generation) return;
    }
    await this.#deliver(record, generation);
    if (decision.duplicate && generation === this.#generation) {
      await this.#deliver(this.#create(report, 'duplicate', record.id), generation);
    }
  }

  async #deliver(record: NotificationRecord, generation: number): Promise<void> {
    const { attempts, backoffMs } = this.#options;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1) {
        record.state = 'waiting_retry';
        await this.#sleep(backoffMs[Math.min(attempt - 2, backoffMs.length - 1)] ?? 0);
        if (generation !== this.#generation) return;
      }
      record.state = 'sending';
      const at = this.#options.clock.now().toISOString();
      const contentType = record.format === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
      try {
        const answer = await postOnce(
          record.url,
          record.body,
          contentType,
          this.#options.timeoutMs,
          this.#abort.signal,
        );
        if (generation !== this.#generation) return;
        record.attempts.push({ at, status: answer.status, body: answer.body.slice(0, 200) });
        if (answer.body.trim() === '8888') {
          record.state = 'delivered';
          record.deliveredAt = this.#options.clock.now().toISOString();
        }
      } catch (error) {
        if (generation !== this.#generation) return;
        record.attempts.push({ at, error: error instanceof Error ? error.message : String(error) });
      }
      // A report held back "out of order" goes once the next report to the same URL has been tried.
      if (attempt === 1) this.#releaseHeld(record);
      if (record.state === 'delivered') return;
    }
    record.state = 'failed';
  }

  #releaseHeld(after: NotificationRecord): void {
    for (const other of this.#records) {
      if (other.id !== after.id && other.url === after.url && other.state === 'held')
        this.#held.get(other.id)?.();
    }
  }

  #create(report: Report, copy: 'original' | 'duplicate', duplicateOf?: number): NotificationRecord {
    const body = report.format === 'form' ? httpBuildQuery(report.payload) : JSON.stringify(report.payload);
    const record: NotificationRecord = {
      id: this.#nextId++,
      command: report.command,
      merchantUid: report.merchantUid,
      url: report.url,
      format: report.format,
      payload: report.payload,
      body,
      copy,
      ...(duplicateOf === undefined ? {} : { duplicateOf }),
      enqueuedAt: this.#options.clock.now().toISOString(),
      state: 'sending',
      attempts: [],
    };
    this.#records.push(record);
    return record;
  }

  /** A cancellable wait: reset() wakes every sleeper so that no delivery outlives it. */
  #sleep(ms: number, expose?: (wake: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = {
        // Unref'd: a pending retry must not keep a process alive on its own (the server does while it runs).
        timer: setTimeout(() => sleeper.wake(), ms).unref(),
        wake: () => {
          clearTimeout(sleeper.timer);
          this.#sleepers.delete(sleeper);
          resolve();
        },
      };
      this.#sleepers.add(sleeper);
      expose?.(sleeper.wake);
    });
  }

  #track(work: Promise<void>): void {
    const tracked = work.finally(() => this.#active.delete(tracked));
    this.#active.add(tracked);
  }
}

/**
 * One POST with Node's own client (no keep-alive: a report is a one-off, and an idle pooled socket would keep a
 * test's receiver from closing).
 */
function postOnce(
  url: string,
  body: string,
  contentType: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        agent: false,
        signal,
        timeout: timeoutMs,
        headers: {
          'content-type': contentType,
          'content-length': Buffer.byteLength(body),
          connection: 'close',
          'user-agent': 'tixclear-gateway-simulator',
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
