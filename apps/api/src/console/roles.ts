import { SetMetadata } from '@nestjs/common';
import type { OperatorRole } from '@tixclear/db';

/**
 * What an operator route needs, and which roles grant it (the matrix in apps/api/README.md):
 * - `read`: every page and list (viewer and up);
 * - `money`: money exceptions (holds, pay-off exceptions, `290` payments) and starting settlement runs, which
 *   finance runs each night (finance, admin);
 * - `operations`: operational exceptions (partner reports, unknown outcomes, redemption mismatches) (operator,
 *   admin);
 * - `admin`: operators and partners (admin).
 */
export type Capability = 'read' | 'money' | 'operations' | 'admin';

export const grants: { readonly [R in OperatorRole]: readonly Capability[] } = {
  viewer: ['read'],
  finance: ['read', 'money'],
  operator: ['read', 'operations'],
  admin: ['read', 'money', 'operations', 'admin'],
};

export function roleGrants(role: OperatorRole, capability: Capability): boolean {
  return grants[role].includes(capability);
}

export const CAPABILITY = Symbol('console capability');

/** Declares what a console route needs; a route without it is refused (ConsoleGuard), never open by default. */
export const Requires = (capability: Capability) => SetMetadata(CAPABILITY, capability);

/** Marks the routes reachable without a session (sign-in, the one-time link). */
export const PUBLIC_ROUTE = Symbol('console public route');
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);
