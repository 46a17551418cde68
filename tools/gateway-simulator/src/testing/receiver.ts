import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A merchant's notification endpoint for tests: records every report it receives and answers what the test
 * says (by default `8888`). The answers can be scripted per delivery, e.g. ['no', 'no', '8888'].
 */

export interface ReceivedReport {
  readonly seq: number;
  readonly contentType: string;
  readonly body: string;
  readonly receivedAt: number;
}

export interface ReportReceiver {
  readonly url: string;
  readonly received: ReceivedReport[];
  /** Answers for the next deliveries, in order; when empty, `fallback` is answered. */
  script(answers: readonly string[], fallback?: string): void;
  close(): Promise<void>;
}

export async function startReportReceiver(path = '/gateway/notify'): Promise<ReportReceiver> {
  const received: ReceivedReport[] = [];
  let queue: string[] = [];
  let fallback = '8888';
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        seq: received.length + 1,
        contentType: request.headers['content-type'] ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      });
      const answer = queue.shift() ?? fallback;
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    script(answers, otherwise = '8888') {
      queue = [...answers];
      fallback = otherwise;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
