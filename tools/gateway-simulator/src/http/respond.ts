import type { ServerResponse } from 'node:http';
import { gatewayJsonEncode } from '../gateway-json';

/** A gateway answer: json_encode() style (`\/` escapes), as the real one sends it. */
export function sendGatewayJson(response: ServerResponse, body: unknown, status = 200): void {
  send(response, status, 'application/json; charset=utf-8', gatewayJsonEncode(body));
}

/** Control endpoints: plain JSON. */
export function sendJson(response: ServerResponse, body: unknown, status = 200): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

export function sendHtml(response: ServerResponse, html: string, status = 200): void {
  send(response, status, 'text/html; charset=utf-8', html);
}

export function sendText(
  response: ServerResponse,
  text: string,
  status: number,
  headers: Record<string, string> = {},
): void {
  send(response, status, 'text/plain; charset=utf-8', text, headers);
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  response.end(body);
}

/** Kills the connection without a response: what a client sees as a reset (ECONNRESET / socket hang up). */
export function dropConnection(response: ServerResponse): void {
  response.socket?.destroy();
}
