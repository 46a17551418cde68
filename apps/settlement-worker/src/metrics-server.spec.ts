import { serveMetrics } from './metrics-server';

describe('serveMetrics', () => {
  it("answers GET /metrics with the process's metrics, anything else with 404", async () => {
    const { server, url } = await serveMetrics(0, '127.0.0.1');
    try {
      // The CPU counter counts from when the metrics were registered: spend some, so it is above zero (seen 0).
      for (const started = Date.now(); Date.now() - started < 50;);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      const value = (name: string) =>
        Number(
          text
            .split('\n')
            .find((line) => line.startsWith(`${name} `))
            ?.split(' ')[1],
        );
      expect(value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);
      expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
      expect((await fetch(url, { method: 'POST' })).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
