import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
  DocumentBuilder,
  getSchemaPath,
  SwaggerModule,
} from '@nestjs/swagger';
import { commands, type CommandName } from '@tixclear/gateway-client';
import { OperationErrorCode } from '@tixclear/operations';
import { z } from 'zod';
import { RestErrorCode } from './rest-errors';

/*
 * The OpenAPI document of the REST door, served at /docs (Swagger UI) and /docs/openapi.json. Bodies are not
 * described twice: their JSON schemas are derived from the gateway client's zod schemas, the ones that
 * validate both front doors at run time, so the document cannot drift from what the API accepts.
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
const ref = (name: SchemaName) => ({ $ref: getSchemaPath(name) });
const error = (status: number, description: string) =>
  ApiResponse({ status, description, schema: ref('Error') });

/** Documents one REST POST: the Idempotency-Key header, the body, and every answer it can get. */
export function ApiRestPost(options: {
  summary: string;
  description: string;
  body: SchemaName;
  answer: SchemaName;
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
    ApiBody({ schema: ref(options.body) }),
    ApiResponse({ status: 201, description: 'Done; Location reads the order.', schema: ref(options.answer) }),
    ApiResponse({
      status: 200,
      description: 'This order_id with this content was answered before: that answer again.',
      schema: ref(options.answer),
    }),
    ApiResponse({
      status: 202,
      description: 'Outcome not known yet: GET the Location.',
      schema: ref('Pending'),
    }),
    error(
      400,
      'REQUEST_INVALID (field names the field), BODY_INVALID, IDEMPOTENCY_KEY_REQUIRED or _INVALID.',
    ),
    error(409, 'ORDER_CONFLICT, VOUCHER_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED or IDEMPOTENCY_KEY_IN_PROGRESS.'),
    error(413, 'BODY_TOO_LARGE.'),
    error(415, 'UNSUPPORTED_MEDIA_TYPE: send application/json.'),
    error(422, 'GATEWAY_REFUSED: the gateway answered with a refusal (gateway_code).'),
    error(503, 'GATEWAY_UNAVAILABLE: nothing was done; retry with the same Idempotency-Key.'),
  );
}

/** Documents one REST GET of an order by the partner's order_id. */
export function ApiRestGet(options: { summary: string; answer: SchemaName }) {
  return applyDecorators(
    ApiOperation({
      summary: options.summary,
      description: 'Asks the gateway, records what it learns (this settles unknown outcomes) and answers.',
    }),
    ApiParam({
      name: 'orderId',
      description: "The partner's order_id",
      schema: { type: 'string', maxLength: 50 },
    }),
    ApiResponse({ status: 200, description: "The gateway's record.", schema: ref(options.answer) }),
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
    ApiResponse({ status: 202, description: 'Queued for delivery.', schema: ref('ReportsResent') }),
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
    ApiResponse({
      status: 401,
      description: 'UNAUTHENTICATED: missing, unknown or revoked key.',
      schema: ref('Error'),
    }),
  );
}

/** Builds the document and serves it: Swagger UI at /docs, the JSON at /docs/openapi.json. */
export function serveOpenApi(app: INestApplication): void {
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
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...(restSchemas() as Record<string, object>) },
  };
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    raw: ['json'],
    customSiteTitle: 'tixclear API',
  });
}
