import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The worker's `GET /metrics` for Prometheus: the process's own metrics (CPU, memory, event loop, handles).
 * Counts only, no ids or amounts; anything but GET /metrics is 404. `registry` carries the worker's own gauges
 * (the alerts, jobs/alerts.ts).
 */
export async function serveMetrics(
  port: number,
  host: string,
  registry: Registry = new Registry(),
): Promise<{ server: Server; url: string }> {
  collectDefaultMetrics({ register: registry });
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics` };
}
