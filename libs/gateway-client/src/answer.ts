import type { AnswerRule } from './commands';
import { OUTER_CODE } from './schemas/common';

/*
 * Reads the status of an answer before its schema: a refusal or a system error has none of the success fields,
 * so validating first would report a schema problem where the gateway said something precise.
 */

export type AnswerVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly verdict: 'system_error' | 'rejected' | 'unexpected';
      readonly level: 'outer' | 'inner';
      readonly gatewayCode: string | undefined;
      readonly gatewayMessage: string | undefined;
    };

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ALWAYS_REJECTED: readonly string[] = [OUTER_CODE.invalidData, OUTER_CODE.failed];

export function readAnswer(rule: AnswerRule, body: unknown): AnswerVerdict {
  const fail = (
    verdict: 'system_error' | 'rejected' | 'unexpected',
    level: 'outer' | 'inner',
    gatewayCode: string | undefined,
    gatewayMessage: string | undefined,
  ): AnswerVerdict => ({ ok: false, verdict, level, gatewayCode, gatewayMessage });

  if (!isRecord(body)) return fail('unexpected', 'outer', undefined, undefined);
  const code = text(body.code);
  const message = text(body.msg) ?? text(body.retmsg);

  if (code === undefined) {
    // queryorder and invoice answer the state itself, without an outer code.
    return rule.ok === null ? { ok: true } : fail('unexpected', 'outer', undefined, message);
  }
  if (code === OUTER_CODE.systemError) return fail('system_error', 'outer', code, message);
  if (ALWAYS_REJECTED.includes(code) || rule.declined.includes(code))
    return fail('rejected', 'outer', code, message);
  const ok = rule.ok === null ? code === OUTER_CODE.executed : rule.ok.includes(code);
  if (!ok) return fail('unexpected', 'outer', code, message);
  if (rule.inner === undefined) return { ok: true };

  const content = body.content;
  const innerCode = isRecord(content) ? text(content.code) : undefined;
  const innerMessage = isRecord(content) ? text(content.msg) : undefined;
  if (innerCode !== undefined && rule.inner.ok.includes(innerCode)) return { ok: true };
  if (innerCode !== undefined && rule.inner.declined.includes(innerCode)) {
    return fail('rejected', 'inner', innerCode, innerMessage ?? message);
  }
  return fail('unexpected', 'inner', innerCode, innerMessage ?? message);
}
