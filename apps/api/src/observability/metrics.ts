import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The API's Prometheus metrics (prom-client), with the process's own (CPU, memory, event loop, handles).
 * Label values come from small closed sets (route patterns, status codes, command names, outcome codes), never
 * from request data, so the series stay few whatever the traffic. One registry per instance, so tests and
 * several apps in one process do not share counts.
 */

/** Request durations in seconds: fast database answers up to a gateway call near its timeout. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Metrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({
    name: 'tixclear_http_requests_total',
    help: 'HTTP requests answered, by route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly #durations = new Histogram({
    name: 'tixclear_http_request_duration_seconds',
    help: 'HTTP request durations, by route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly #operations = new Counter({
    name: 'tixclear_operations_total',
    help: 'Voucher operations by front door, command and outcome (succeeded, refused, pending or an error code).',
    labelNames: ['door', 'command', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #reports = new Counter({
    name: 'tixclear_gateway_reports_total',
    help: 'Gateway reports on /gateway/notify by outcome (stored, duplicate, unknown_order, excess, not_applicable, or why refused).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly #decryptFailures = new Counter({
    name: 'tixclear_envelope_decrypt_failures_total',
    help: 'Envelopes on /api/init that could not be opened (unknown partner, wrong key, malformed).',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** One answered HTTP request (called once per response, from the request hooks). */
  recordRequest(request: { method: string; route: string; status: number; seconds: number }): void {
    const route = { method: request.method, route: request.route };
    this.#requests.inc({ ...route, status: String(request.status) });
    this.#durations.observe(route, request.seconds);
  }

  /** One voucher operation through either front door; `outcome` is `succeeded`, `refused`, `pending` or a code. */
  recordOperation(door: 'rest' | 'envelope', command: string, outcome: string): void {
    this.#operations.inc({ door, command, outcome });
  }

  /** One gateway report; `outcome` is the intake's outcome or refusal reason (a small closed set). */
  recordGatewayReport(outcome: string): void {
    this.#reports.inc({ outcome });
  }

  recordDecryptFailure(): void {
    this.#decryptFailures.inc();
  }

  /** The Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
