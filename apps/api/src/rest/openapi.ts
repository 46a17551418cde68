import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
  DocumentBuilder,
  getSchemaPath,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { commands, type CommandName } from '@tixclear/gateway-client';
import { OperationErrorCode } from '@tixclear/operations';
import { z } from 'zod';
import { isConsolePath } from '../console/console-openapi';
import {
  answerExamples,
  envelopeRefusalExample,
  errorExamples,
  moreRequestExamples,
  requestExamples,
} from './openapi-examples';
import { RestErrorCode } from './rest-errors';

/*
 * The OpenAPI document of the REST door, served at /docs (Swagger UI) and /docs/openapi.json. Bodies are not
 * described twice: their JSON schemas are derived from the gateway client's zod schemas, the ones that
 * validate both front doors at run time, so the document cannot drift from what the API accepts. Examples are
 * in openapi-examples.ts; the document is committed as docs/openapi.json (`npm run openapi` rewrites it, a spec
 * compares them).
 */

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): Json {
  // Both directions of the wire are JSON as sent, hence the input side (dates as their strings).
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

/** A REST body: the command's request without `store_uid`, which the API key decides. */
function requestSchema(command: CommandName): Json {
  const schema = jsonSchema(commands[command].request as z.ZodType);
  const { store_uid: _ignored, ...properties } = (schema.properties ?? {}) as Json;
  const required = ((schema.required ?? []) as string[]).filter((name) => name !== 'store_uid');
  return { ...schema, properties, required };
}

/**
 * A money refund's REST body: the command's request without `store_uid`, `uid` and `key` (taken from our record
 * of the order the path or `order_id` names), with the refund's own id.
 */
function refundBody(command: 'refund' | 'esvcrefund', extra: Json): Json {
  const schema = jsonSchema(commands[command].request as z.ZodType);
  const { store_uid: _store, uid: _uid, key: _key, ...properties } = (schema.properties ?? {}) as Json;
  const required = ((schema.required ?? []) as string[]).filter(
    (name) => !['store_uid', 'uid', 'key'].includes(name),
  );
  return {
    ...schema,
    properties: {
      refund_order_id: {
        type: 'string',
        maxLength: 50,
        description: 'Your id of this refund: one refund per id (a repeat gets its answer again).',
      },
      ...extra,
      ...properties,
    },
    required: ['refund_order_id', ...Object.keys(extra), ...required],
  };
}

/** The body of a write on a payment named by the path: the command's request without store_uid, uid and key. */
function orderActionBody(command: 'authorizedrequestpayment' | 'issueinvoice' | 'disabledirectdebit'): Json {
  const schema = jsonSchema(commands[command].request as z.ZodType);
  const named = ['store_uid', 'uid', 'key', 'order_id'];
  const properties = Object.fromEntries(
    Object.entries((schema.properties ?? {}) as Json).filter(([name]) => !named.includes(name)),
  );
  const required = ((schema.required ?? []) as string[]).filter((name) => !named.includes(name));
  return { ...schema, properties, required };
}

function dataOf(command: CommandName, description: string): Json {
  return {
    type: 'object',
    description,
    required: ['data'],
    properties: { data: jsonSchema(commands[command].response as z.ZodType) },
  };
}

const ERROR_CODES = [...Object.values(OperationErrorCode), ...Object.values(RestErrorCode)];

/** Every schema the REST operations name, by component name. */
export function restSchemas(): Record<string, Json> {
  return {
    PurchaseRequest: requestSchema('voucherservicepurchase'),
    RedemptionRequest: requestSchema('vouchertransaction'),
    OfflineRedemptionRequest: requestSchema('voucheroffline'),
    RefundRequest: requestSchema('voucherrefund'),
    Purchase: dataOf('voucherservicepurchase', 'The order is open (code 200): send the buyer to data.url.'),
    Redemption: dataOf('vouchertransaction', 'Redeemed (code 250), with the fee object of every voucher.'),
    OfflineRedemption: dataOf('voucheroffline', 'Redeemed at the till (content.code 250).'),
    Refund: dataOf('voucherrefund', 'Refunded (code 230).'),
    PurchaseQuery: dataOf('voucherservicequery', "The gateway's record of the purchase (content.code)."),
    RedemptionQuery: dataOf('voucherquery', "The gateway's record of the redemption, online or offline."),
    RefundQuery: dataOf('voucherrefundquery', "The gateway's record of the refund."),
    PaymentRequest: requestSchema('orders'),
    PaymentRefundRequest: refundBody('refund', {}),
    ETicketRefundRequest: refundBody('esvcrefund', {
      order_id: {
        type: 'string',
        maxLength: 50,
        description: 'Your order_id of the paid order: a payment (/v1/payments) or a voucher purchase.',
      },
    }),
    CaptureRequest: orderActionBody('authorizedrequestpayment'),
    InvoiceIssueRequest: orderActionBody('issueinvoice'),
    DirectDebitStopRequest: orderActionBody('disabledirectdebit'),
    EwalletBindingRequest: requestSchema('ewalletbind'),
    DirectDebitStop: dataOf(
      'disabledirectdebit',
      'The recurring charges stop from stop_time on (code B200).',
    ),
    EwalletBinding: dataOf('ewalletbind', 'Send the buyer to data.url to bind a card (code B200).'),
    EmptyRequest: {
      type: 'object',
      description: 'No fields: the path names what is acted on.',
      additionalProperties: false,
    },
    Capture: dataOf(
      'authorizedrequestpayment',
      'Capture taken (code B200): the order in content, 247 while the capture is under way.',
    ),
    AuthorizationCancel: dataOf(
      'cancelauthorization',
      'Authorisation released (code B200): the order in content.',
    ),
    RefundCancel: dataOf('refundcancel', 'Refund taken back (code B200): the refund in row_data, prc 220.'),
    InvoiceIssue: dataOf('issueinvoice', 'Invoice issued (code B200): its number, date and amounts.'),
    Invoice: dataOf(
      'invoice',
      "The gateway's record of the payment's e-invoice (state 2 issued, 4 void, 6 allowance…).",
    ),
    PayModes: dataOf(
      'paymentsupportpaymode',
      'The pay modes (pfn values) your store may offer for the amount.',
    ),
    Payment: dataOf('orders', 'The order is open (code 200): send the buyer to data.url.'),
    PaymentQuery: dataOf(
      'queryorder',
      "The gateway's record of the payment: prc is its status (250 paid, 230 refunded…), refund_order its refunds.",
    ),
    PaymentRefund: dataOf('refund', 'Refunded (code B200), the refund in row_data (refund_uid).'),
    ETicketRefund: dataOf('esvcrefund', 'Refunded (code B200), the refund in row_data (refund_uid).'),
    ReportsResent: {
      type: 'object',
      required: ['data'],
      properties: {
        data: {
          type: 'object',
          required: ['order_id', 'reports'],
          properties: {
            order_id: { type: 'string' },
            reports: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'event'],
                properties: {
                  id: { type: 'string', description: 'The report id, sent as webhook-id.' },
                  event: { type: 'string', description: 'purchase, redemption, refund, refund_corrected…' },
                },
              },
            },
          },
        },
      },
    },
    EnvelopeRequest: {
      type: 'object',
      description:
        "The gateway's own request, form-encoded (application/x-www-form-urlencoded, as the PHP, Python and C# " +
        'reference clients send it) or JSON (the Node client). service and encry_data are AES-256-CBC envelopes ' +
        "under the partner's key (base64 of IV ‖ ciphertext): service holds { service_name: 'api', cmd: " +
        "'api/<command>' }, encry_data the command's request, the same fields as the REST bodies plus store_uid.",
      required: ['service', 'encry_data'],
      properties: {
        store_uid: { type: 'string', maxLength: 32, description: 'Store mode: the partner uid.' },
        agent_uid: { type: 'string', maxLength: 32, description: 'Dealer mode, when store_uid is absent.' },
        service: {
          type: 'string',
          description: "Envelope of { service_name: 'api', cmd: 'api/<command>' }.",
        },
        encry_data: { type: 'string', description: "Envelope of the command's request." },
      },
    },
    EnvelopeAnswer: {
      type: 'object',
      description:
        "The gateway's own answer to the command, in clear JSON: code and msg, and the command's fields (the " +
        'REST answers carry the same object as data). Refusals come with HTTP 200 too, in code (100 with ' +
        'field, B500…), plus error_code (our operation code: REQUEST_INVALID, VOUCHER_UNAVAILABLE, ' +
        'ENVELOPE_INVALID…). Commands: voucherservicepurchase, voucherservicequery, vouchertransaction, ' +
        'voucherquery, voucherrefund, voucherrefundquery, voucheroffline.',
      required: ['code'],
      properties: {
        code: { type: 'string' },
        msg: { type: 'string' },
        field: { type: 'string', description: 'The field at fault (code 100).' },
        error_code: { type: 'string', description: 'Our operation code, on a refusal by us.' },
      },
      additionalProperties: true,
    },
    Pending: {
      type: 'object',
      description:
        'The outcome is not known yet (the gateway did not answer in time): read the order at Location.',
      required: ['status'],
      properties: { status: { const: 'pending' }, message: { type: 'string' } },
    },
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: ERROR_CODES },
            field: {
              type: 'string',
              description: 'The field at fault, in wire notation (items[0].serial_number).',
            },
            gateway_code: {
              type: 'string',
              description: "GATEWAY_REFUSED only: the gateway's own code (300, B500…).",
            },
            message: { type: 'string', description: 'For people; match on code, never on the message.' },
          },
        },
        data: { type: 'object', description: "GATEWAY_REFUSED only: the gateway's answer." },
      },
    },
  };
}

type SchemaName = keyof ReturnType<typeof restSchemas>;
type Examples = typeof answerExamples & typeof requestExamples;
const ref = (name: SchemaName) => ({ $ref: getSchemaPath(name) });

const REQUEST_ID = {
  'X-Request-Id': {
    description: 'On every answer: the request id (a sane incoming X-Request-Id is kept). Quote it to us.',
    schema: { type: 'string' },
  },
};
const LOCATION = {
  Location: {
    description: 'The order, to GET: /v1/<resource>/<order_id> (/v1/redemptions/QS-R1).',
    schema: { type: 'string', format: 'uri-reference' },
  },
};
const REPLAYED = {
  'Idempotent-Replayed': {
    description: 'true on an answer replayed for a repeated Idempotency-Key; absent otherwise.',
    schema: { type: 'string', enum: ['true'] },
  },
};

/** One documented answer: its schema, its example and the headers it carries. */
function answer(options: {
  status: number;
  description: string;
  schema: SchemaName;
  example: unknown;
  headers?: Record<string, unknown>;
}) {
  return ApiResponse({
    status: options.status,
    description: options.description,
    schema: ref(options.schema),
    example: options.example,
    headers: { ...REQUEST_ID, ...options.headers },
  });
}

const error = (status: number, description: string, headers?: Record<string, unknown>) =>
  answer({ status, description, schema: 'Error', example: errorExamples[status], headers });

const body = (name: keyof typeof requestExamples) =>
  ApiBody({
    schema: ref(name),
    examples: {
      [name]: { summary: 'From a run', value: requestExamples[name] },
      ...(
        moreRequestExamples as Partial<Record<string, Record<string, { summary: string; value: unknown }>>>
      )[name],
    },
  });

const example = (name: keyof Examples): unknown => ({ ...answerExamples, ...requestExamples })[name];

/** Documents one REST POST: the Idempotency-Key header, the body, and every answer it can get. */
export function ApiRestPost(options: {
  summary: string;
  description: string;
  body: keyof typeof requestExamples;
  answer: keyof typeof answerExamples;
}) {
  return applyDecorators(
    ApiOperation({ summary: options.summary, description: options.description }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: true,
      description:
        'Required on every POST: 1–100 printable ASCII characters (a UUID). A repeat with the same key and body ' +
        'gets the stored answer (header Idempotent-Replayed: true).',
      schema: { type: 'string', minLength: 1, maxLength: 100 },
    }),
    body(options.body),
    answer({
      status: 201,
      description: 'Done; Location reads the order.',
      schema: options.answer,
      example: example(options.answer),
      headers: { ...LOCATION, ...REPLAYED },
    }),
    answer({
      status: 200,
      description: 'This order_id with this content was answered before: that answer again.',
      schema: options.answer,
      example: example(options.answer),
      headers: { ...LOCATION, ...REPLAYED },
    }),
    answer({
      status: 202,
      description: 'Outcome not known yet: GET the Location.',
      schema: 'Pending',
      example: example('Pending'),
      headers: LOCATION,
    }),
    error(
      400,
      'REQUEST_INVALID (field names the field), BODY_INVALID, IDEMPOTENCY_KEY_REQUIRED or _INVALID.',
      REPLAYED,
    ),
    error(
      409,
      'ORDER_CONFLICT, VOUCHER_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED or IDEMPOTENCY_KEY_IN_PROGRESS.',
      REPLAYED,
    ),
    error(413, 'BODY_TOO_LARGE.'),
    error(415, 'UNSUPPORTED_MEDIA_TYPE: send application/json.'),
    error(422, 'GATEWAY_REFUSED: the gateway answered with a refusal (gateway_code).', REPLAYED),
    error(503, 'GATEWAY_UNAVAILABLE: nothing was done; retry with the same Idempotency-Key.'),
  );
}

/** Documents one REST GET of an order by the partner's order_id. */
export function ApiRestGet(options: {
  summary: string;
  answer: keyof typeof answerExamples;
  description?: string;
}) {
  return applyDecorators(
    ApiOperation({
      summary: options.summary,
      description:
        options.description ??
        'Asks the gateway, records what it learns (this settles unknown outcomes) and answers.',
    }),
    ApiParam({
      name: 'orderId',
      description: "The partner's order_id",
      schema: { type: 'string', maxLength: 50 },
    }),
    answer({
      status: 200,
      description: "The gateway's record.",
      schema: options.answer,
      example: example(options.answer),
    }),
    error(404, 'ORDER_NOT_FOUND: no such order of this partner.'),
    error(422, 'GATEWAY_REFUSED: the gateway does not know the order (gateway_code B500).'),
    error(503, 'GATEWAY_UNAVAILABLE: ask again later.'),
  );
}

/** Documents `POST /v1/orders/{orderId}/reports/resend`. */
export function ApiReportResend() {
  return applyDecorators(
    ApiOperation({
      summary: "Send an order's reports again",
      description:
        'Each report of the order goes back to the delivery queue with a fresh attempt budget, under the same ' +
        'id (header webhook-id), signed anew (a fresh webhook-timestamp). No Idempotency-Key: asking twice ' +
        'asks for the same deliveries.',
    }),
    ApiParam({
      name: 'orderId',
      description: "The partner's order_id",
      schema: { type: 'string', maxLength: 64 },
    }),
    answer({
      status: 202,
      description: 'Queued for delivery.',
      schema: 'ReportsResent',
      example: example('ReportsResent'),
    }),
    error(
      404,
      'ORDER_NOT_FOUND: no such order of this partner; REPORT_NOT_FOUND: its outcome is not final yet.',
    ),
  );
}

/** Documents a controller of the REST door: its tag, the API key scheme and the 401 answer. */
export function ApiRestResource(tag: string) {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth('apiKey'),
    error(401, 'UNAUTHENTICATED: missing, unknown or revoked key.'),
  );
}

/** Documents `POST /api/init`, the gateway-compatible envelope door. */
export function ApiEnvelopeInit() {
  return applyDecorators(
    ApiOperation({
      summary: 'The gateway-compatible door',
      description:
        'store_uid (or agent_uid), service and encry_data, form-encoded or JSON, exactly as the gateway takes ' +
        "them (AES-256-CBC envelopes, the partner's key): a client written for the gateway switches by its URL. " +
        "The answer is the gateway's, in clear JSON, always HTTP 200 but for the limits below; an envelope that " +
        'does not open gets one answer whatever the reason (code 100, ENVELOPE_INVALID).',
    }),
    ApiConsumes('application/x-www-form-urlencoded', 'application/json'),
    body('EnvelopeRequest'),
    ApiResponse({
      status: 200,
      description: "The gateway's answer to the command, or its refusal.",
      schema: ref('EnvelopeAnswer'),
      examples: {
        answered: { summary: 'api/voucherquery answered', value: example('EnvelopeAnswer') },
        unreadable: { summary: 'An envelope that does not open', value: envelopeRefusalExample },
      },
      headers: REQUEST_ID,
    }),
    ApiResponse({
      status: 413,
      description: 'The body is larger than the limit (code 100, BODY_TOO_LARGE).',
      schema: ref('EnvelopeAnswer'),
      example: { code: '100', msg: 'the body is larger than the limit', error_code: 'BODY_TOO_LARGE' },
      headers: REQUEST_ID,
    }),
    ApiResponse({
      status: 429,
      description: 'Too many envelopes that do not open from this address for this partner uid; retry later.',
      schema: ref('EnvelopeAnswer'),
      example: { code: '100', msg: 'too many unreadable envelopes; retry later', error_code: 'RATE_LIMITED' },
      headers: REQUEST_ID,
    }),
  );
}

/** The OpenAPI document of the app, as served (and committed as docs/openapi.json). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tixclear API')
    .setDescription(
      'Voucher operations for partners of the MYTIX voucher gateway: purchases, redemptions, refunds. Every ' +
        'answer carries X-Request-Id; errors are { error: { code, field?, message } }. The gateway-compatible ' +
        'envelope door is POST /api/init.',
    )
    .setVersion('1')
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A partner API key (tix_…).' }, 'apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The operator API (/console) has its own document (console/console-openapi.ts).
  document.paths = Object.fromEntries(
    Object.entries(document.paths).filter(([path]) => !isConsolePath(path)),
  );
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...(restSchemas() as Record<string, object>) },
  };
  return document;
}

/** Builds the document and serves it: Swagger UI at /docs, the JSON at /docs/openapi.json. */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    raw: ['json'],
    customSiteTitle: 'tixclear API',
  });
}
