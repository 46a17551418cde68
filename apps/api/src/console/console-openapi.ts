import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';

/*
 * The operator API's own OpenAPI document (tag `console`), served at /console/api/docs and
 * /console/api/docs/openapi.json; the partners' document (/docs) leaves these routes out.
 */

type Json = Record<string, unknown>;
const error = { $ref: '#/components/schemas/ConsoleError' };
const text = (maxLength: number) => ({ type: 'string', maxLength });
const note = { type: 'object', required: ['note'], properties: { note: text(500) } };

interface Described {
  summary: string;
  description?: string;
  /** What the route needs (roles.ts), or `public`. */
  needs: 'public' | 'read' | 'money' | 'operations' | 'admin';
  body?: Json;
  status?: number;
  refusals?: Record<number, string>;
}

const operations = {
  signIn: {
    summary: 'Sign in with name and password',
    description:
      'Sets the session cookie (HttpOnly, SameSite=Strict, Path=/console, Secure over HTTPS) and answers the CSRF ' +
      'token. Wrong name or password: one answer (SIGN_IN_FAILED); past 5 failures a minute for a name, or 20 ' +
      'from an address: 429 RATE_LIMITED.',
    needs: 'public',
    status: 201,
    body: {
      type: 'object',
      required: ['name', 'password'],
      properties: { name: text(64), password: text(1024) },
    },
    refusals: { 401: 'SIGN_IN_FAILED', 429: 'RATE_LIMITED' },
  },
  loginLink: {
    summary: 'Sign in with a one-time link',
    description:
      'From `npm run operators -- login-link`: the link (GET) opens a page whose button posts it here, so a ' +
      'preview that fetches the link spends nothing. Usable once within 10 minutes. Sets the session cookie and ' +
      'redirects (303) to /console; an unknown, used or expired link is 410 LINK_INVALID.',
    needs: 'public',
    status: 303,
    refusals: { 410: 'LINK_INVALID' },
  },
  signOut: {
    summary: 'Sign out',
    description: 'The session ends; the cookie is cleared.',
    needs: 'read',
    status: 204,
  },
  me: {
    summary: 'Who is signed in',
    description: 'Name, role, capabilities and the CSRF token.',
    needs: 'read',
  },
  listOperators: { summary: 'List operators', needs: 'admin' },
  addOperator: {
    summary: 'Add an operator',
    description:
      'Without a password: the answer carries a one-time sign-in link (login_link) to hand over; the operator ' +
      'sets their own password (PUT /console/api/me/password).',
    needs: 'admin',
    body: {
      type: 'object',
      required: ['name', 'role'],
      properties: { name: text(64), role: { enum: ['viewer', 'finance', 'operator', 'admin'] } },
    },
    refusals: { 400: 'BODY_INVALID, OPERATOR_INVALID', 409: 'OPERATOR_EXISTS' },
  },
  changeOperator: {
    summary: "Change an operator's role or enablement",
    description:
      'Disabling ends their sessions at once. The last enabled admin can be neither disabled nor demoted.',
    needs: 'admin',
    body: {
      type: 'object',
      properties: {
        role: { enum: ['viewer', 'finance', 'operator', 'admin'] },
        disabled: { type: 'boolean' },
      },
    },
    refusals: { 404: 'OPERATOR_NOT_FOUND', 409: 'OPERATOR_LAST_ADMIN' },
  },
  ownPassword: {
    summary: 'Set your own password',
    description:
      'The current password is needed once one is set (a wrong one counts as a failed sign-in). Every session ' +
      'of yours ends, this one too.',
    needs: 'read',
    body: {
      type: 'object',
      required: ['password'],
      properties: {
        current_password: text(1024),
        password: { type: 'string', minLength: 12, maxLength: 256 },
      },
    },
    refusals: { 400: 'BODY_INVALID (current_password), PASSWORD_POLICY', 429: 'RATE_LIMITED' },
  },
  operatorLoginLink: { summary: 'Make a one-time sign-in link for an operator', needs: 'admin' },
  audit: {
    summary: "The operators' audit trail",
    description: 'Newest first; filter by actor, action, target; page with `before` = the previous `next`.',
    needs: 'read',
  },
  alerts: {
    summary: 'The alerts in force',
    description:
      'Late outcomes after a verdict, parked pay-off batches, exceptions older than 24 h, the clearing backlog and ' +
      'failing partner reports: each with kind, severity (warning, critical), count, oldest age in seconds and ' +
      'a link (page, operator item kind). Clear kinds are left out. The worker exposes the same as ' +
      '`tixclear_alert_*` gauges.',
    needs: 'read',
  },
  exceptions: {
    summary: 'The exception queue (operator items)',
    description:
      'Open items by default, oldest first; filter by kind (or `outcome_unknown`: operations only our query ' +
      "decides, oldest first with their age) and state; keyset pages: `after` is the previous answer's `next`.",
    needs: 'read',
  },
  holdReclear: {
    summary: 'Re-clear a held redemption line',
    description: 'As `npm run settle -- holds reclear`; audited in the same transaction.',
    needs: 'money',
    body: { ...note, properties: { ...note.properties, accept: { enum: ['ours', 'gateway'] } } },
    refusals: { 404: 'HOLD_NOT_FOUND', 409: 'HOLD_NOT_OPEN' },
  },
  holdSettleOutside: {
    summary: 'Settle a held redemption line outside clearing',
    description: 'As `npm run settle -- holds settle-outside`; audited in the same transaction.',
    needs: 'money',
    body: note,
    refusals: { 404: 'HOLD_NOT_FOUND', 409: 'HOLD_NOT_OPEN, HOLD_CLEARING_BUSY' },
  },
  payoutReinclude: {
    summary: 'Re-include a pay-off exception in the next run',
    description: 'As `npm run settle -- exceptions reinclude`: asks the gateway first.',
    needs: 'money',
    refusals: { 404: 'PAYOUT_ITEM_NOT_FOUND', 409: 'PAYOUT_ITEM_NOT_EXCEPTION, PAYOUT_GATEWAY_UNSURE' },
  },
  payoutSettleOutside: {
    summary: 'Record a pay-off exception as paid by other means',
    description: 'As `npm run settle -- exceptions settle-outside`: asks the gateway first.',
    needs: 'money',
    body: note,
    refusals: { 404: 'PAYOUT_ITEM_NOT_FOUND', 409: 'PAYOUT_ITEM_NOT_EXCEPTION, PAYOUT_GATEWAY_UNSURE' },
  },
  paidMismatchAccept: {
    summary: 'Accept a purchase paid with a mismatch (290)',
    description: 'As `npm run settle -- mismatch accept`.',
    needs: 'money',
    refusals: { 404: 'ORDER_NOT_FOUND', 409: 'ORDER_CONFLICT' },
  },
  paidMismatchRefund: {
    summary: 'Refund a purchase paid with a mismatch (290)',
    description: 'As `npm run settle -- mismatch refund` (voucherrefund at the gateway).',
    needs: 'money',
    refusals: { 404: 'ORDER_NOT_FOUND', 409: 'ORDER_CONFLICT' },
  },
  reportResend: {
    summary: "Send a flagged partner report's order's reports again",
    description:
      "The exception queue's resend, by report id; audited in the same transaction, with the note.",
    needs: 'operations',
    body: note,
    refusals: { 404: 'NOT_FOUND', 409: 'CONFLICT (no report yet)' },
  },
  operationQuery: {
    summary: 'Ask the gateway now about an operation of unknown outcome',
    description:
      "Makes the operation due and runs one reconciler pass: settled on our own query's evidence only, else " +
      'left open. Audited with the operation before and after, and the note.',
    needs: 'operations',
    body: note,
    refusals: { 404: 'NOT_FOUND', 409: 'CONFLICT (the outcome is no longer unknown)' },
  },
  redemptionMismatchDecide: {
    summary: 'Decide a voucher of a redemption mismatch',
    needs: 'operations',
    body: {
      type: 'object',
      required: ['serial', 'verdict'],
      properties: { serial: text(64), verdict: { enum: ['redeemed', 'not_redeemed'] } },
    },
  },
  redemptionMismatchVoucher: {
    summary: "Decide one voucher of a redemption mismatch (the exception queue's buttons)",
    description:
      'As `decide`, the serial and the verdict (`redeemed`, `not_redeemed`) in the path; audited with the note.',
    needs: 'operations',
    body: note,
    refusals: {
      400: 'BODY_INVALID (serial, verdict, note)',
      404: 'ORDER_NOT_FOUND',
      409: 'VOUCHER_UNAVAILABLE',
    },
  },
  redemptionMismatchAcknowledge: {
    summary: 'Close a redemption mismatch whose vouchers are decided',
    needs: 'operations',
  },
  reportsResend: {
    summary: "Send an order's partner reports again",
    description: 'As `npm run partners -- resend-reports`; audited in the same transaction.',
    needs: 'operations',
    body: {
      type: 'object',
      required: ['partner_uid', 'order_id'],
      properties: { partner_uid: text(64), order_id: text(64) },
    },
    refusals: { 404: 'NOT_FOUND, ORDER_NOT_FOUND', 409: 'CONFLICT (no report yet)' },
  },
  runs: {
    summary: 'Settlement runs, newest first',
    description:
      'Each with its state (the next step to do), steps done of five, created and last-moved times, duration, ' +
      'vouchers held, batches and items by state, and its live settlement-queue job. Page with `before` = the ' +
      'previous `next` (keyset on created_at, id); `limit` 1–100.',
    needs: 'read',
    refusals: { 400: 'BODY_INVALID (before, limit)' },
  },
  run: {
    summary: 'One settlement run',
    description:
      'As in the list, with vouchers cleared and their value, hold reasons, and its export files (manifest).',
    needs: 'read',
    refusals: { 404: 'NOT_FOUND' },
  },
  runStart: {
    summary: "Start (or resume) a period's settlement run",
    description:
      'A job on the settlement queue, as the nightly schedule sends it; the worker runs it. `period` is ' +
      '`YYYY-MM-DD` or `YYYY-MM-DD_YYYY-MM-DD`, ended before today (Asia/Taipei), at most 92 days. Idempotent ' +
      'on the period: a completed run or a live job of the period queues nothing (`queued: false`). Audited.',
    needs: 'money',
    status: 202,
    body: note,
    refusals: { 400: 'BODY_INVALID (period, note)', 409: 'PERIOD_CLOSED' },
  },
  runFile: {
    summary: "Download a file of a run's export (CSV, XLSX, manifest.json)",
    description:
      "Streamed; the name must be one the run's own manifest lists (or `manifest.json`), and the file of the size " +
      'it states. `Content-Disposition: attachment` named `<period>-<name>`.',
    needs: 'read',
    refusals: { 404: 'NOT_FOUND' },
  },
  payoffs: {
    summary: 'Pay-off batches, newest run first',
    description:
      'Each with its run, paying merchant, group_id, state, S-code, covering attempts and items by state. Filter ' +
      'by `state`; page with `before` = the previous `next`.',
    needs: 'read',
    refusals: { 400: 'BODY_INVALID (state, before, limit)' },
  },
  payoff: {
    summary: 'One pay-off batch and its items',
    description:
      'Items in item id order with party, payee account, amount, state, C-code and message; page with `after` = ' +
      'the previous `next`.',
    needs: 'read',
    refusals: { 404: 'NOT_FOUND' },
  },
  payments: {
    summary: "A business day's payments",
    description:
      'PayPage payments, money refunds (refund, esvcrefund), refund cancels and other payment actions made that ' +
      'day (Asia/Taipei), and purchases paid with a mismatch (`290`), with state, gateway code and amount; page ' +
      'with `after` = the previous `next`. With the day’s totals from the payments ledger (entries posted for ' +
      'that business date, by kind).',
    needs: 'read',
    refusals: { 400: 'BODY_INVALID (date, after, limit)' },
  },
} satisfies Record<string, Described>;

export type ConsoleOperation = keyof typeof operations;

/** Read routes besides those named below: no CSRF header. */
const READS = new Set<ConsoleOperation>(['runs', 'run', 'runFile', 'payoffs', 'payoff', 'payments']);

/** Documents one operator route: what it needs, its body, its refusals. */
export function ApiConsoleOperation(name: ConsoleOperation) {
  const d: Described = operations[name];
  const changing = d.body !== undefined || (d.status ?? 200) !== 200;
  const decorators = [
    ApiOperation({
      operationId: `console_${name}`,
      summary: d.summary,
      description: `${d.description ?? ''}${d.description ? ' ' : ''}Needs: ${d.needs}.`,
    }),
    ApiResponse({ status: d.status ?? (changing ? 201 : 200), description: 'Done.' }),
    ...Object.entries(d.refusals ?? {}).map(([status, codes]) =>
      ApiResponse({ status: Number(status), description: codes, schema: error }),
    ),
  ];
  if (d.body) decorators.push(ApiBody({ schema: d.body }));
  if (d.needs !== 'public') {
    decorators.push(
      ApiCookieAuth('session'),
      ApiResponse({ status: 401, description: 'UNAUTHENTICATED: no live session.', schema: error }),
      ApiResponse({
        status: 403,
        description: 'ROLE_FORBIDDEN, CSRF_INVALID, ORIGIN_FORBIDDEN',
        schema: error,
      }),
    );
    if (
      name !== 'me' &&
      name !== 'audit' &&
      name !== 'exceptions' &&
      name !== 'alerts' &&
      name !== 'listOperators' &&
      !READS.has(name)
    )
      decorators.push(
        ApiHeader({ name: 'X-CSRF-Token', required: true, description: 'The token of GET /console/api/me.' }),
      );
  }
  return applyDecorators(...decorators);
}

/** The operator API's document: only the routes under /console. */
export function buildConsoleOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tixclear operator API')
    .setDescription(
      'The API the operators’ and finance console runs on. A session cookie from POST /console/api/session ' +
        '(or a one-time link); every state-changing call carries X-CSRF-Token and comes from this origin. ' +
        'Errors are { error: { code, field?, message } }. Every action is in the audit trail.',
    )
    .setVersion('1')
    .setOpenAPIVersion('3.1.0')
    .addCookieAuth('tixclear_console', { type: 'apiKey', in: 'cookie', name: 'tixclear_console' }, 'session')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => isConsolePath(path)));
  document.components = {
    ...document.components,
    schemas: {
      ConsoleError: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  };
  return document;
}

export function isConsolePath(path: string): boolean {
  return path === '/console' || path.startsWith('/console/');
}

/** Serves the operator API's document: Swagger UI at /console/api/docs, the JSON at /console/api/docs/openapi.json. */
export function serveConsoleOpenApi(app: INestApplication): void {
  SwaggerModule.setup('console/api/docs', app, buildConsoleOpenApiDocument(app), {
    jsonDocumentUrl: 'console/api/docs/openapi.json',
    raw: ['json'],
    customSiteTitle: 'tixclear operator API',
  });
}
