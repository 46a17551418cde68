/**
 * The API's few Prometheus metrics, kept in memory and rendered in the text exposition format (version 0.0.4).
 * Hand-written rather than a client library: four families do not justify a dependency. Label values come from
 * small closed sets (route patterns, status codes, command names, outcome codes), never from request data, so
 * the series stay few whatever the traffic.
 */
export type Labels = Readonly<Record<string, string>>;

/** Request durations in seconds: fast database answers up to a gateway call near its timeout. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

interface Family {
  help: string;
  type: 'counter' | 'histogram';
}

const FAMILIES = {
  tixclear_http_requests_total: {
    help: 'HTTP requests answered, by route pattern and status.',
    type: 'counter',
  },
  tixclear_http_request_duration_seconds: {
    help: 'HTTP request durations, by route pattern.',
    type: 'histogram',
  },
  tixclear_operations_total: {
    help: 'Voucher operations by front door, command and outcome (succeeded, refused, pending or an error code).',
    type: 'counter',
  },
  tixclear_gateway_reports_total: {
    help: 'Gateway reports on /gateway/notify by outcome (stored, duplicate, unknown_order, excess, not_applicable, or why refused).',
    type: 'counter',
  },
  tixclear_envelope_decrypt_failures_total: {
    help: 'Envelopes on /api/init that could not be opened (unknown partner, wrong key, malformed).',
    type: 'counter',
  },
} as const satisfies Record<string, Family>;
type FamilyName = keyof typeof FAMILIES;

interface HistogramSeries {
  labels: Labels;
  buckets: number[];
  sum: number;
  count: number;
}

export class Metrics {
  readonly #counters = new Map<FamilyName, Map<string, { labels: Labels; value: number }>>();
  readonly #histograms = new Map<FamilyName, Map<string, HistogramSeries>>();

  /** One answered HTTP request (called once per response, from the request hooks). */
  recordRequest(request: { method: string; route: string; status: number; seconds: number }): void {
    const route = { method: request.method, route: request.route };
    this.#increment('tixclear_http_requests_total', { ...route, status: String(request.status) });
    this.#observe('tixclear_http_request_duration_seconds', route, request.seconds);
  }

  /** One voucher operation through either front door; `outcome` is `succeeded`, `refused`, `pending` or a code. */
  recordOperation(door: 'rest' | 'envelope', command: string, outcome: string): void {
    this.#increment('tixclear_operations_total', { door, command, outcome });
  }

  /** One gateway report; `outcome` is the intake's outcome or refusal reason (a small closed set). */
  recordGatewayReport(outcome: string): void {
    this.#increment('tixclear_gateway_reports_total', { outcome });
  }

  recordDecryptFailure(): void {
    this.#increment('tixclear_envelope_decrypt_failures_total', {});
  }

  /** The Prometheus text format: HELP and TYPE once per family, then its series. */
  render(): string {
    const lines: string[] = [];
    for (const [name, family] of Object.entries(FAMILIES) as [FamilyName, Family][]) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      if (family.type === 'counter') {
        const series = this.#counters.get(name);
        // A label-less counter is shown at 0 before its first event, so dashboards see it exists.
        if (!series && !labelled(name)) lines.push(`${name} 0`);
        for (const { labels, value } of series?.values() ?? [])
          lines.push(`${name}${format(labels)} ${value}`);
      } else {
        for (const series of this.#histograms.get(name)?.values() ?? [])
          lines.push(...histogramLines(name, series));
      }
    }
    return `${lines.join('\n')}\n`;
  }

  #increment(name: FamilyName, labels: Labels): void {
    const family = this.#counters.get(name) ?? new Map<string, { labels: Labels; value: number }>();
    this.#counters.set(name, family);
    const key = format(labels);
    const series = family.get(key) ?? { labels, value: 0 };
    series.value += 1;
    family.set(key, series);
  }

  #observe(name: FamilyName, labels: Labels, value: number): void {
    const family = this.#histograms.get(name) ?? new Map<string, HistogramSeries>();
    this.#histograms.set(name, family);
    const key = format(labels);
    const series = family.get(key) ?? { labels, buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
    DURATION_BUCKETS.forEach((bound, index) => {
      if (value <= bound) series.buckets[index] = (series.buckets[index] ?? 0) + 1;
    });
    series.sum += value;
    series.count += 1;
    family.set(key, series);
  }
}

function labelled(name: FamilyName): boolean {
  return name !== 'tixclear_envelope_decrypt_failures_total';
}

function histogramLines(name: string, series: HistogramSeries): string[] {
  const bucketLines = DURATION_BUCKETS.map(
    (bound, index) =>
      `${name}_bucket${format({ ...series.labels, le: String(bound) })} ${series.buckets[index]}`,
  );
  return [
    ...bucketLines,
    `${name}_bucket${format({ ...series.labels, le: '+Inf' })} ${series.count}`,
    `${name}_sum${format(series.labels)} ${series.sum}`,
    `${name}_count${format(series.labels)} ${series.count}`,
  ];
}

/** `{a="x",b="y"}` with the format's escapes (backslash, double quote, newline); empty for no labels. */
function format(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `{${entries.map(([key, value]) => `${key}="${escape(value)}"`).join(',')}}`;
}
