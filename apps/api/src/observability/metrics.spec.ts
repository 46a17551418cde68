import { Metrics } from './metrics';

function series(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('Metrics', () => {
  it('renders every family with HELP and TYPE, the label-less counter at 0 before its first event', async () => {
    const text = await new Metrics().render();
    for (const name of [
      'tixclear_http_requests_total',
      'tixclear_http_request_duration_seconds',
      'tixclear_operations_total',
      'tixclear_envelope_decrypt_failures_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(series(text, 'tixclear_envelope_decrypt_failures_total')).toBe(0);
    expect(text.endsWith('\n')).toBe(true);
  });

  it("carries the process's own metrics (CPU, memory, event loop)", async () => {
    const metrics = new Metrics();
    // prom-client counts CPU from the registry's creation: spend some, so the counter cannot read 0 on a busy host.
    for (const until = performance.now() + 20; performance.now() < until;);
    const text = await metrics.render();
    expect(series(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(series(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('counts requests by method, route and status, with a cumulative duration histogram', async () => {
    const metrics = new Metrics();
    metrics.recordRequest({ method: 'POST', route: '/v1/purchases', status: 201, seconds: 0.02 });
    metrics.recordRequest({ method: 'POST', route: '/v1/purchases', status: 201, seconds: 3 });
    metrics.recordRequest({ method: 'POST', route: '/v1/purchases', status: 409, seconds: 0.004 });
    const text = await metrics.render();
    expect(
      series(text, 'tixclear_http_requests_total{method="POST",route="/v1/purchases",status="201"}'),
    ).toBe(2);
    expect(
      series(text, 'tixclear_http_requests_total{method="POST",route="/v1/purchases",status="409"}'),
    ).toBe(1);
    const bucket = (le: string) =>
      series(
        text,
        `tixclear_http_request_duration_seconds_bucket{le="${le}",method="POST",route="/v1/purchases"}`,
      );
    expect(bucket('0.005')).toBe(1);
    expect(bucket('0.025')).toBe(2);
    expect(bucket('2.5')).toBe(2);
    expect(bucket('5')).toBe(3);
    expect(bucket('+Inf')).toBe(3);
    expect(
      series(text, 'tixclear_http_request_duration_seconds_count{method="POST",route="/v1/purchases"}'),
    ).toBe(3);
    expect(
      series(text, 'tixclear_http_request_duration_seconds_sum{method="POST",route="/v1/purchases"}'),
    ).toBeCloseTo(3.024);
  });

  it('counts operations and decrypt failures, escaping label values', async () => {
    const metrics = new Metrics();
    metrics.recordOperation('rest', 'vouchertransaction', 'succeeded');
    metrics.recordOperation('envelope', 'we"ird\\cmd\n', 'refused');
    metrics.recordDecryptFailure();
    metrics.recordDecryptFailure();
    const text = await metrics.render();
    expect(
      series(text, 'tixclear_operations_total{door="rest",command="vouchertransaction",outcome="succeeded"}'),
    ).toBe(1);
    expect(text).toContain(
      'tixclear_operations_total{door="envelope",command="we\\"ird\\\\cmd\\n",outcome="refused"} 1',
    );
    expect(series(text, 'tixclear_envelope_decrypt_failures_total')).toBe(2);
  });
});
