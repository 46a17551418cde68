import type { PartnerContext } from '@tixclear/db';
import { GatewayError, GatewayUnavailableError, type GatewayClient } from '@tixclear/gateway-client';
import type { DataSource } from 'typeorm';
import { PayoutErrorCode, PayoutError } from './errors';

/** The gateway commands pay-offs use; a `GatewayClient` is one (tests may wrap it). */
export type PayoffClient = Pick<
  GatewayClient,
  'payoffCreate' | 'payoffQuery' | 'payoffCovering' | 'resolvePayoffCreate' | 'resolvePayoffCovering'
>;

/**
 * Where clients come from: the same shape as `GatewayPort` of `@tixclear/operations` (pass `gatewayPort(...)`),
 * declared here because a service library may not import another (Nx module boundaries).
 */
export interface PayoffGatewayPort {
  clientFor(partner: PartnerContext): PayoffClient;
}

/** Opens a partner's key rings: `PartnerRegistry` of `@tixclear/db`. */
export interface PartnerContexts {
  contextById(partnerId: string): Promise<PartnerContext | null>;
}

/** For queries: the answer, or `undefined` when the gateway could not be asked now (try again later). */
export async function ask<T>(query: () => Promise<T>): Promise<T | undefined> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof GatewayError) return undefined;
    throw error;
  }
}

/**
 * What a query that decides money says: `answer`; `unreachable` (try again later); or `odd`: the gateway
 * answered but would not say (a refusal without the explicit not-found code, an answer outside the command's
 * schema or codes, a query we could not even build). An odd answer is for a person, never read as "not there".
 */
export type Lookup<T> =
  { kind: 'answer'; value: T } | { kind: 'unreachable' } | { kind: 'odd'; code: string; message: string };

export async function lookUp<T>(query: () => Promise<T>): Promise<Lookup<T>> {
  try {
    return { kind: 'answer', value: await query() };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    // A page that is not JSON is a front end failing, like a 5xx: it says nothing, so ask again later.
    if (error instanceof GatewayUnavailableError || error.reason === 'non_json')
      return { kind: 'unreachable' };
    return { kind: 'odd', code: error.gatewayCode ?? error.code, message: error.message };
  }
}

/**
 * The clients of paying merchants. A merchant's batch is sent with its own credentials, which are the upstream
 * credentials of any partner whose upstream is that merchant (they all hold the same key ring); the oldest
 * such partner is taken so the choice is stable. Cached for one pass only, so a rotated key is picked up.
 */
export class MerchantClients {
  readonly #clients = new Map<string, PayoffClient>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly partners: PartnerContexts,
    private readonly gateway: PayoffGatewayPort,
  ) {}

  async for(payingMerchant: string): Promise<PayoffClient> {
    const cached = this.#clients.get(payingMerchant);
    if (cached) return cached;
    const [partner] = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM partners WHERE upstream_uid = $1 ORDER BY created_at, id LIMIT 1`,
      [payingMerchant],
    );
    const context = partner ? await this.partners.contextById(partner.id) : null;
    if (!context) {
      throw new PayoutError(
        PayoutErrorCode.NoMerchantCredentials,
        `no partner has ${payingMerchant} as its upstream merchant`,
      );
    }
    const client = this.gateway.clientFor(context);
    this.#clients.set(payingMerchant, client);
    return client;
  }
}
