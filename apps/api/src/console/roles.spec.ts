import { describe, expect, it } from '@jest/globals';
import { operatorRoles } from '@tixclear/db';
import { AuditController } from './audit.controller';
import { ExceptionsController } from './exceptions.controller';
import { OperatorsController } from './operators.controller';
import { CAPABILITY, grants, PUBLIC_ROUTE, roleGrants } from './roles';
import { SessionController } from './session.controller';

describe('console roles', () => {
  it('grants what the README table says, and nothing to a viewer but reading', () => {
    const table = Object.fromEntries(operatorRoles.map((role) => [role, [...grants[role]].sort()]));
    expect(table).toEqual({
      viewer: ['read'],
      finance: ['money', 'read'],
      operator: ['operations', 'read'],
      admin: ['admin', 'money', 'operations', 'read'],
    });
    expect(roleGrants('finance', 'operations')).toBe(false);
    expect(roleGrants('operator', 'money')).toBe(false);
  });

  it('has every operator route declare what it needs (or be one of the two public ones)', () => {
    const declared: string[] = [];
    for (const controller of [
      SessionController,
      OperatorsController,
      AuditController,
      ExceptionsController,
    ]) {
      const prototype = controller.prototype as unknown as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        if (Reflect.getMetadata('path', handler) === undefined) continue;
        const needs: unknown = Reflect.getMetadata(CAPABILITY, handler);
        const open: unknown = Reflect.getMetadata(PUBLIC_ROUTE, handler);
        declared.push(`${controller.name}.${name}:${open === true ? 'public' : String(needs)}`);
      }
    }
    expect(declared.filter((entry) => entry.endsWith(':public')).sort()).toEqual([
      'SessionController.loginLink:public',
      'SessionController.signIn:public',
    ]);
    expect(declared.filter((entry) => entry.endsWith(':undefined'))).toEqual([]);
    // Every state-changing exception action needs more than reading.
    expect(
      declared.filter((entry) => entry.startsWith('ExceptionsController.') && entry.endsWith(':read')),
    ).toEqual(['ExceptionsController.list:read']);
  });
});
