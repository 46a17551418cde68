import { GatewayClient, longestCallMs, type GatewayClientConfig } from '@tixclear/gateway-client';
import type { PartnerContext } from '@tixclear/db';

/** Impure things behind ports, so tests control them. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The gateway client that speaks for a partner upstream (its upstream credentials). */
export interface GatewayPort {
  clientFor(partner: PartnerContext): GatewayClient;
  /** The longest one call of its clients can last (longestCallMs); the client's defaults when absent. */
  readonly longestCallMs?: number;
}

export interface GatewayPortConfig {
  /** The gateway's `api/init` URL (the simulator locally). */
  baseUrl: string;
  timeoutMs?: number;
  /** Overrides of `cmd` names (the pay-off commands are configuration: docs/protocol.md §3). */
  commandNames?: GatewayClientConfig['commandNames'];
  fetch?: typeof fetch;
}

/** The production port: one client per call, speaking with the partner's upstream credentials. */
export function gatewayPort(config: GatewayPortConfig): GatewayPort {
  return {
    longestCallMs: longestCallMs(config.timeoutMs),
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
