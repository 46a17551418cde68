import { Inject, Injectable, Logger } from '@nestjs/common';
import { EnvelopeError, NoValidKeyError } from '@tixclear/crypto';
import { commands, readAnswer } from '@tixclear/gateway-client';
import type { PartnerContext } from '@tixclear/db';
import { PARTNER_UID_WIDTH, wider, type Operations } from '@tixclear/operations';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { Metrics } from '../observability/metrics';
import { OPERATIONS } from '../operations/operations.tokens';
import { PartnerDirectory } from '../partners/partner-directory.service';
import { protocolAnswerFor, type ProtocolAnswer } from '../common/protocol-answer';
import { FailureLimiter } from './failure-limiter';

/** The answer to every envelope we cannot open, whatever the reason (no oracle on keys, padding or partners). */
const UNREADABLE: ProtocolAnswer = {
  code: '100',
  msg: 'encry_data: the envelope cannot be opened',
  field: 'encry_data',
  error_code: 'ENVELOPE_INVALID',
};

export const ENVELOPE_COMMANDS = [
  'voucherservicepurchase',
  'voucherservicequery',
  'vouchertransaction',
  'voucherquery',
  'voucherrefund',
  'voucherrefundquery',
  'voucheroffline',
  // PayPage (seed 001) and the e-ticket refund (seed 003): libs/operations/src/payments.
  'orders',
  'queryorder',
  'refund',
  'esvcrefund',
  'refundcancel',
  'issueinvoice',
  'invoice',
  'paymentsupportpaymode',
  'authorizedrequestpayment',
  'cancelauthorization',
  'disabledirectdebit',
  'ewalletbind',
] as const;
type EnvelopeCommand = (typeof ENVELOPE_COMMANDS)[number];

export interface EnvelopeResult {
  status: number;
  answer: ProtocolAnswer;
  /** The partner whose envelope opened (for the request's log line). */
  partnerUid?: string;
}

/**
 * `POST /api/init`, the gateway's own front door: the same envelope and commands, so that a partner written
 * against the gateway's reference clients switches by changing the URL only.
 */
@Injectable()
export class EnvelopeService {
  readonly #logger = new Logger('envelope');
  readonly #limiter: FailureLimiter;

  constructor(
    private readonly partners: PartnerDirectory,
    @Inject(OPERATIONS) private readonly operations: Operations,
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly metrics: Metrics,
  ) {
    this.#limiter = new FailureLimiter(config.envelopeFailuresPerMinute);
  }

  /**
   * An envelope that opens with the partner's key is always served; only unreadable ones count towards the
   * limit, keyed by partner uid and client address, so junk from an address never locks the partner out.
   */
  async handle(body: unknown, clientAddress = 'unknown'): Promise<EnvelopeResult> {
    const fields = readFields(body);
    if ('problem' in fields) return { status: 200, answer: fields.problem };
    const { partnerUid, service, encryData } = fields;

    const partner = await this.partners.byUid(partnerUid);
    const opened = partner ? open(partner, service, encryData) : undefined;
    if (!partner || !opened) {
      const limitKey = `${partnerUid}|${clientAddress}`;
      if (this.#limiter.isLimited(limitKey)) {
        return {
          status: 429,
          answer: {
            code: '100',
            msg: 'too many unreadable envelopes; retry later',
            error_code: 'RATE_LIMITED',
          },
        };
      }
      this.#limiter.recordFailure(limitKey);
      this.metrics.recordDecryptFailure();
      return { status: 200, answer: UNREADABLE };
    }
    const command = commandOf(opened.service);
    if (!command) {
      return {
        status: 200,
        answer: { code: '100', msg: 'service: unknown or unsupported command', field: 'service' },
      };
    }
    try {
      const answer = (await this.dispatch(partner, command, opened.data)) as ProtocolAnswer;
      const verdict = readAnswer(commands[command].answer, answer);
      this.metrics.recordOperation('envelope', command, verdict.ok ? 'succeeded' : 'refused');
      return { status: 200, answer, partnerUid };
    } catch (error) {
      const { answer, expected } = protocolAnswerFor(error);
      // Seed 003 gives esvcrefund only B200/B500: our refusal of its input is a B500 naming the field.
      if (command === 'esvcrefund' && answer.code === '100') answer.code = 'B500';
      this.metrics.recordOperation('envelope', command, String(answer.error_code));
      if (!expected) this.#logger.error({ err: error, command, partner_uid: partnerUid }, 'operation failed');
      return { status: 200, answer, partnerUid };
    }
  }

  private async dispatch(partner: PartnerContext, command: EnvelopeCommand, data: unknown) {
    const ops = this.operations;
    switch (command) {
      case 'voucherservicepurchase':
        return (await ops.purchases.purchase(partner, data)).body;
      case 'vouchertransaction':
        return (await ops.redemptions.redeem(partner, data)).body;
      case 'voucherrefund':
        return (await ops.refunds.refund(partner, data)).body;
      case 'voucheroffline':
        return (await ops.offline.redeem(partner, data)).body;
      case 'voucherservicequery':
      case 'voucherquery':
      case 'voucherrefundquery':
        return ops.queries.query(partner, command, data);
      case 'orders':
        return (await ops.payments.open(partner, data)).body;
      case 'queryorder':
        return ops.payments.query(partner, data);
      case 'refund':
        return (await ops.moneyRefunds.refund(partner, data)).body;
      case 'esvcrefund':
        return (await ops.moneyRefunds.esvcRefund(partner, data)).body;
      case 'refundcancel':
      case 'issueinvoice':
      case 'authorizedrequestpayment':
      case 'cancelauthorization':
      case 'disabledirectdebit':
      case 'ewalletbind':
        return (await ops.paymentActions.run(partner, command, data)).body;
      case 'invoice':
        return ops.paymentActions.invoice(partner, data);
      case 'paymentsupportpaymode':
        return ops.paymentActions.payModes(partner, data);
    }
  }
}

type Fields = { partnerUid: string; service: string; encryData: string } | { problem: ProtocolAnswer };

function readFields(body: unknown): Fields {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return {
      problem: {
        code: '100',
        msg: 'body: expected store_uid (or agent_uid), service and encry_data',
        field: 'body',
      },
    };
  }
  const record = body as Record<string, unknown>;
  // store_uid (store mode) or, when it is absent, agent_uid (dealer mode).
  const uidField =
    (record.store_uid === undefined || record.store_uid === null) && record.agent_uid !== undefined
      ? 'agent_uid'
      : 'store_uid';
  const partnerUid = record[uidField];
  for (const [field, value] of [
    [uidField, partnerUid],
    ['service', record.service],
    ['encry_data', record.encry_data],
  ] as const) {
    if (typeof value !== 'string' || value.length === 0) {
      return { problem: { code: '100', msg: `${field}: required text`, field } };
    }
  }
  // No partner uid is longer than its column: a longer one is refused before it keys a cache or a query.
  if (wider(partnerUid, PARTNER_UID_WIDTH)) {
    return {
      problem: {
        code: '100',
        msg: `${uidField}: at most ${PARTNER_UID_WIDTH} characters`,
        field: uidField,
        error_code: 'REQUEST_INVALID',
      },
    };
  }
  return {
    partnerUid: partnerUid as string,
    service: record.service as string,
    encryData: record.encry_data as string,
  };
}

function open(
  partner: PartnerContext,
  service: string,
  encryData: string,
): { service: unknown; data: unknown } | undefined {
  const at = new Date();
  try {
    return {
      service: partner.inbound.decryptJson(service, at).value,
      data: partner.inbound.decryptJson(encryData, at).value,
    };
  } catch (error) {
    if (error instanceof EnvelopeError || error instanceof NoValidKeyError) return undefined;
    throw error;
  }
}

function commandOf(service: unknown): EnvelopeCommand | undefined {
  if (service === null || typeof service !== 'object') return undefined;
  const cmd = (service as Record<string, unknown>).cmd;
  if (typeof cmd !== 'string' || !cmd.startsWith('api/')) return undefined;
  const name = cmd.slice(4);
  return (ENVELOPE_COMMANDS as readonly string[]).includes(name) ? (name as EnvelopeCommand) : undefined;
}
