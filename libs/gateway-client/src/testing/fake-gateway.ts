import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decryptJson } from '@tixclear/crypto';

/*
 * A tiny local gateway for the client specs: it opens the envelopes with the merchant key, as the real gateway
 * would, and answers whatever the spec scripts. Not a simulator: no state, no rules.
 */

export interface ReceivedRequest {
  readonly contentType: string;
  /** The body's fields, as sent (form or JSON). */
  readonly fields: Record<string, string>;
  /** `service` opened: `{ service_name, cmd }`. */
  readonly service: unknown;
  /** `encry_data` opened: the command's wire JSON. */
  readonly data: unknown;
}

export type Scripted =
  | {
      readonly status?: number;
      readonly json?: unknown;
      readonly text?: string;
      readonly headers?: Record<string, string>;
    }
  | 'hang'
  | 'reset';

export type Script = (request: ReceivedRequest, index: number) => Scripted;

export class FakeGateway {
  readonly received: ReceivedRequest[] = [];
  /** The client port of the connection each request came on (equal ports: a reused keep-alive socket). */
  readonly connections: number[] = [];
  script: Script = () => ({ status: 500, text: 'no script' });
  #server: Server | undefined;
  #url = '';

  constructor(private readonly key: string) {}

  get url(): string {
    return this.#url;
  }

  /** Listens on `port` (default: any free one). */
  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      void this.#handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.#server = server;
    this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/init`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  reset(): void {
    this.received.length = 0;
    this.connections.length = 0;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const contentType = req.headers['content-type'] ?? '';
    const fields: Record<string, string> = contentType.includes('json')
      ? (JSON.parse(body) as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(body));
    const open = (envelope: string | undefined): unknown =>
      envelope === undefined ? undefined : decryptJson(envelope, this.key);
    const received = { contentType, fields, service: open(fields.service), data: open(fields.encry_data) };
    this.received.push(received);
    this.connections.push(req.socket.remotePort ?? 0);
    const answer = this.script(received, this.received.length - 1);
    if (answer === 'hang') return;
    if (answer === 'reset') {
      req.socket.destroy();
      return;
    }
    const text = answer.text ?? JSON.stringify(answer.json);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
    res.end(text);
  }
}

/** A port nothing listens on: bound, then released. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api/init`;
}
