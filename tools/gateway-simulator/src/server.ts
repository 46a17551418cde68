import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Control } from './control';
import { sendJson, sendText } from './http/respond';
import { handleApiInit } from './routes/api-init';
import { handleControl } from './routes/control';
import { EWALLET_PATH, handleEwalletPage, handlePaymentPage, PAYMENT_PATH } from './routes/pay';
import type { Simulator } from './simulator';

/*
 * The HTTP skin, on node:http alone (no framework: the simulator must be able to misbehave at the socket level,
 * which frameworks hide). Routes:
 *   POST /api/init                          the gateway (docs/protocol.md §1)
 *   GET|POST /voucher/<uid>.html            voucher purchase payment page
 *   GET|POST /payment/<uid>.html            PayPage payment page
 *   /_control/*                             control API (README)
 *   GET /health                             liveness
 */

export interface Listening {
  readonly server: Server;
  readonly port: number;
  readonly host: string;
}

export function createSimulatorServer(simulator: Simulator, control: Control): Server {
  const server = createServer((request, response) => {
    const handled = route(request, response, simulator, control).catch((error: unknown) => {
      simulator.settings.log(
        `[simulator] ${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!response.headersSent) sendText(response, 'Internal simulator error.', 500);
      else response.destroy();
    });
    simulator.handling.add(handled);
    void handled.finally(() => simulator.handling.delete(handled));
  });
  // Faults destroy sockets on purpose; a client that does the same to us is not worth a crash.
  server.on('clientError', (_error, socket) => socket.destroy());
  return server;
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  simulator: Simulator,
  control: Control,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://simulator').pathname;
  if (path === '/api/init') {
    return handleApiInit(request, response, {
      services: simulator.services,
      faults: simulator.faults,
      commandNames: simulator.settings.commandNames,
      log: simulator.settings.log,
    });
  }
  const payment = PAYMENT_PATH.exec(path);
  if (payment !== null) {
    return handlePaymentPage(
      request,
      response,
      simulator.services,
      payment[1] === 'voucher' ? 'voucher' : 'payment',
      Number(payment[2]),
    );
  }
  const ewallet = EWALLET_PATH.exec(path);
  if (ewallet !== null) return handleEwalletPage(request, response, simulator.services, Number(ewallet[1]));
  if (path.startsWith('/_control/')) return handleControl(request, response, control);
  if (path === '/health') return sendJson(response, { status: 'ok' });
  sendText(response, 'Not found.', 404);
}

export function listen(server: Server, port: number, host: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({ server, port: address.port, host });
    });
  });
}

/** Stops listening and cuts every open connection (keep-alive ones included), so close() never hangs. */
export function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    server.closeAllConnections();
  });
}
