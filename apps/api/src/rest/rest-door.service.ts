import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PartnerContext } from '@tixclear/db';
import type { OperationAnswer, Operations } from '@tixclear/operations';
import { requestHash } from '@tixclear/operations';
import type { CommandName } from '@tixclear/gateway-client';
import type { FastifyRequest } from 'fastify';
import { Metrics } from '../observability/metrics';
import { OPERATIONS } from '../operations/operations.tokens';
import { partnerOf } from './api-key.guard';
import { IdempotencyService } from './idempotency.service';
import { answerForBody, answerForError, isFinal, type RestAnswer } from './rest-answer';
import { RestError, RestErrorCode } from './rest-errors';

export type MutatingCommand =
  | 'voucherservicepurchase'
  | 'vouchertransaction'
  | 'voucheroffline'
  | 'voucherrefund'
  | 'orders'
  | 'refund'
  | 'esvcrefund'
  | 'refundcancel'
  | 'issueinvoice'
  | 'authorizedrequestpayment'
  | 'cancelauthorization'
  | 'disabledirectdebit'
  | 'ewalletbind';
export type QueryCommand = 'voucherservicequery' | 'voucherquery' | 'voucherrefundquery';

/** One POST of the REST door: which command, where its order is read back, and the service that runs it. */
export interface Mutation {
  command: MutatingCommand;
  /** The collection whose `/:orderId` reads the order (`/v1/purchases`). */
  resource: string;
  /** The command's wire has `store_uid`, filled in from the authenticated partner (offline's has none). */
  storeUid: boolean;
  /** Where the operation is read when it is not `resource/<order_id>` (a refund nested under its payment). */
  locationOf?: (body: Record<string, unknown>) => string | undefined;
  run(
    operations: Operations,
    partner: PartnerContext,
    wire: Record<string, unknown>,
  ): Promise<OperationAnswer>;
}

/** A REST answer plus whether it is a stored one replayed for its idempotency key. */
export type DoorAnswer = RestAnswer & { replayed?: boolean };

/** 1–100 printable ASCII characters (a UUID is the usual choice). */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,100}$/;

/**
 * The REST door over the operations: the same services and schemas as `/api/init`, with the wire's
 * `store_uid` taken from the API key, idempotency keys on every POST, and REST statuses (rest-answer.ts).
 */
@Injectable()
export class RestDoor {
  readonly #logger = new Logger('rest');

  constructor(
    @Inject(OPERATIONS) private readonly operations: Operations,
    private readonly idempotency: IdempotencyService,
    private readonly metrics: Metrics,
  ) {}

  async mutate(request: FastifyRequest, mutation: Mutation): Promise<DoorAnswer> {
    const partner = partnerOf(request);
    const key = idempotencyKeyOf(request);
    const body = jsonObjectOf(request);
    // The route is part of the hash: one key names one request, never the same body sent elsewhere.
    const hash = requestHash({ command: mutation.command, body });
    const claim = await this.idempotency.claim(partner.partner.id, key, hash);
    switch (claim.kind) {
      case 'replay':
        this.metrics.recordOperation('rest', mutation.command, 'replayed');
        return { ...claim.answer, outcome: 'replayed', replayed: true };
      case 'reused':
        throw new RestError(
          RestErrorCode.IdempotencyKeyReused,
          'this Idempotency-Key was used for another request',
        );
      case 'in_progress':
        throw new RestError(
          RestErrorCode.IdempotencyKeyInProgress,
          'a request with this Idempotency-Key is running',
        );
      case 'claimed':
        break;
    }
    const answer = await this.execute(partner, mutation, body).catch(async (error: unknown) => {
      await this.idempotency.release(claim.id);
      throw error;
    });
    // A final answer is kept for repeats of the key; any other releases the claim, so a retry runs again.
    if (isFinal(answer)) await this.idempotency.store(claim.id, answer);
    else await this.idempotency.release(claim.id);
    return answer;
  }

  async query(request: FastifyRequest, command: QueryCommand, orderId: string): Promise<DoorAnswer> {
    const partner = partnerOf(request);
    const wire = { store_uid: partner.partner.partnerUid, order_id: orderId };
    return this.runOperation(command, () =>
      this.operations.queries
        .query(partner, command, wire)
        .then((body) => answerForBody(command, body, { status: 200 })),
    );
  }

  /** A GET answered by a service of its own (the PayPage resources), mapped like any other answer. */
  async read(
    request: FastifyRequest,
    command: CommandName,
    run: (operations: Operations, partner: PartnerContext) => Promise<Record<string, unknown>>,
    location?: string,
  ): Promise<DoorAnswer> {
    const partner = partnerOf(request);
    return this.runOperation(
      command,
      async () => answerForBody(command, await run(this.operations, partner), { status: 200 }),
      location,
    );
  }

  private execute(
    partner: PartnerContext,
    mutation: Mutation,
    body: Record<string, unknown>,
  ): Promise<RestAnswer> {
    const wire = mutation.storeUid ? { store_uid: partner.partner.partnerUid, ...body } : body;
    const orderId = typeof wire.order_id === 'string' ? wire.order_id : undefined;
    const location = mutation.locationOf
      ? mutation.locationOf(body)
      : orderId
        ? `${mutation.resource}/${encodeURIComponent(orderId)}`
        : undefined;
    return this.runOperation(
      mutation.command,
      async () => {
        const { body: answer, replayed } = await mutation.run(this.operations, partner, wire);
        return answerForBody(mutation.command, answer, { status: replayed ? 200 : 201, location });
      },
      location,
    );
  }

  /** Runs one operation, maps what it throws, and counts the outcome. */
  private async runOperation(
    command: string,
    run: () => Promise<RestAnswer>,
    location?: string,
  ): Promise<RestAnswer> {
    let answer: RestAnswer;
    try {
      answer = await run();
    } catch (error) {
      const mapped = answerForError(error, location);
      if (!mapped.expected) this.#logger.error({ err: error, command }, 'operation failed');
      answer = mapped.answer;
    }
    this.metrics.recordOperation('rest', command, answer.outcome);
    return answer;
  }
}

function idempotencyKeyOf(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (key === undefined || key === '') {
    throw new RestError(
      RestErrorCode.IdempotencyKeyRequired,
      'every POST needs an Idempotency-Key header',
      'Idempotency-Key',
    );
  }
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new RestError(
      RestErrorCode.IdempotencyKeyInvalid,
      'Idempotency-Key must be 1 to 100 printable ASCII characters',
      'Idempotency-Key',
    );
  }
  return key;
}

/** The REST door speaks JSON only (`/api/init` keeps its form bodies): a JSON object, nothing else. */
function jsonObjectOf(request: FastifyRequest): Record<string, unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new RestError(RestErrorCode.UnsupportedMediaType, 'send the body as application/json');
  }
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RestError(RestErrorCode.BodyInvalid, 'the body must be a JSON object', 'body');
  }
  return body as Record<string, unknown>;
}
