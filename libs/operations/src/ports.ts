import { GatewayClient, type GatewayClientConfig } from '@tixclear/gateway-client';
import type { PartnerContext } from '@tixclear/db';

/** Impure things behind ports, so tests control them. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The gateway client that speaks for a partner upstream (its upstream credentials). */
export interface GatewayPort {
  clientFor(partner: PartnerContext): GatewayClient;
}

export interface GatewayPortConfig {
  /** The gateway's `api/init` URL (the simulator locally). */
  baseUrl: string;
  timeoutMs?: number;
  /** Overrides of `cmd` names (the pay-off commands are configuration: PROTOCOL.md §3). */
  commandNames?: GatewayClientConfig['commandNames'];
  fetch?: typeof fetch;
}

/** The production port: one client per call, speaking with the partner's upstream credentials. */
export function gatewayPort(config: GatewayPortConfig): GatewayPort {
  return {
    clientFor: (partner) =>
      new GatewayClient({
        baseUrl: config.baseUrl,
        merchant: {
          mode: partner.partner.upstreamMode,
          uid: partner.partner.upstreamUid,
          keyRing: partner.upstream,
        },
        timeoutMs: config.timeoutMs,
        commandNames: config.commandNames,
        fetch: config.fetch,
      }),
  };
}
