import type { CodeFamily } from '@tixclear/domain';
import type { PartnerContext } from '@tixclear/db';
import { callGateway, type GatewayClient, resolutionOf } from '@tixclear/gateway-client';
import type { DataSource } from 'typeorm';
import { gatewayUnavailable } from '../answers';
import { findOperation } from './operation-lookup';
import { assertOwnStore } from '../requests/partner-rules';
import type { GatewayPort } from '../ports';
import type { ResultApplier } from '../reconcile/result-applier';
import { parseRequest, toWire } from '../requests/validation';

type QueryCommand = 'voucherservicequery' | 'voucherquery' | 'voucherrefundquery';

const FAMILY: Record<QueryCommand, CodeFamily> = {
  voucherservicequery: 'purchase',
  voucherquery: 'redemption',
  voucherrefundquery: 'refund',
};

const QUERIED: Record<QueryCommand, readonly string[]> = {
  voucherservicequery: ['voucherservicepurchase'],
  voucherquery: ['vouchertransaction', 'voucheroffline'],
  voucherrefundquery: ['voucherrefund'],
};

/**
 * The three query commands. A query asks the gateway (under our upstream order id), applies what it learns to
 * our records (a query is also how a partner learns an unknown outcome) and answers in the gateway's shape,
 * with the partner's own order id.
 */
export class QueryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateway: GatewayPort,
    private readonly results: ResultApplier,
  ) {}

  async query(
    partner: PartnerContext,
    command: QueryCommand,
    wire: unknown,
  ): Promise<Record<string, unknown>> {
    const request = parseRequest(command, wire);
    assertOwnStore(partner, request.store_uid);
    const operation = await findOperation(this.dataSource, partner, request.order_id, QUERIED[command]);
    const client = this.gateway.clientFor(partner);
    const upstream = { store_uid: partner.partner.upstreamUid, order_id: operation.upstreamOrderId };
    const outcome = await callGateway(() => ask(client, command, upstream));
    if (outcome.kind === 'not_sent' || outcome.kind === 'unknown') throw gatewayUnavailable();
    if (outcome.kind === 'rejected') return { code: outcome.code, msg: outcome.message };

    const answer = toWire(command, outcome.value);
    const content = answer.content as Record<string, unknown> | undefined;
    const result = outcome.value.content as (Record<string, unknown> & { code: string }) | undefined;
    if (result) await this.results.apply(partner, operation, resolutionOf(FAMILY[command], result), content);
    return content ? { ...answer, content: { ...content, order_id: operation.orderId } } : answer;
  }
}

function ask(client: GatewayClient, command: QueryCommand, request: { store_uid: string; order_id: string }) {
  switch (command) {
    case 'voucherservicequery':
      return client.voucherPurchaseQuery(request);
    case 'voucherquery':
      return client.voucherRedeemQuery(request);
    case 'voucherrefundquery':
      return client.voucherRefundQuery(request);
  }
}
