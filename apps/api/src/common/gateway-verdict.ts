import { type AnswerRule, commands, type CommandName } from '@tixclear/gateway-client';

export type GatewayVerdict = { ok: true } | { ok: false; gatewayCode: string; message: string };

/**
 * Whether a gateway-shaped answer is the command's success, read with the command's own answer rule (the
 * table the client and the simulator read): `code` among the successes and, for answers wrapping their result
 * in `content` (offline redemption), `content.code` too. Anything else is the gateway's refusal.
 */
export function gatewayVerdict(command: CommandName, body: Record<string, unknown>): GatewayVerdict {
  const rule: AnswerRule = commands[command].answer;
  const code = codeOf(body);
  const content = isRecord(body.content) ? body.content : undefined;
  const outerOk = rule.ok === null || rule.ok.includes(code);
  const innerOk = !rule.inner || (content !== undefined && rule.inner.ok.includes(codeOf(content)));
  if (outerOk && innerOk) return { ok: true };
  const refusal = outerOk && content ? content : body;
  return {
    ok: false,
    gatewayCode: codeOf(refusal) || code,
    message: typeof refusal.msg === 'string' ? refusal.msg : '',
  };
}

/** Gateway codes come as strings, sometimes as numbers (PHP's json_encode). */
function codeOf(record: Record<string, unknown>): string {
  return typeof record.code === 'string' || typeof record.code === 'number' ? String(record.code) : '';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
