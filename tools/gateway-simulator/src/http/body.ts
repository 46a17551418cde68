import type { IncomingMessage } from 'node:http';

/** Larger bodies are refused with HTTP 413 before they are parsed. */
export const MAX_BODY_BYTES = 1_048_576;

export class BodyTooLargeError extends Error {
  constructor() {
    super(`The request body exceeds ${MAX_BODY_BYTES} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

export async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The flat fields of a request body. The reference clients differ (docs/protocol.md §1): PHP, Python, Java and C#
 * send `application/x-www-form-urlencoded`, the Node.js sample `application/json`. When the content type says
 * neither, the body itself decides (a JSON object, else form fields). Numbers in JSON are read as their text.
 */
export function parseFields(
  contentType: string | undefined,
  body: string,
): Record<string, string> | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const looksJson = body.trimStart().startsWith('{');
  if (type === 'application/json' || (type !== 'application/x-www-form-urlencoded' && looksJson)) {
    return jsonFields(body);
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) fields[key] = value;
  return fields;
}

function jsonFields(body: string): Record<string, string> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry === 'string') fields[key] = entry;
    else if (typeof entry === 'number') fields[key] = String(entry);
  }
  return fields;
}

/**
 * Undoes what form encoding does to base64 when a client forgets to escape it: an unescaped `+` arrives as a
 * space (the crypto library refuses anything but canonical base64, and says this is the HTTP layer's job).
 */
export function base64Field(value: string | undefined): string | undefined {
  // Spaces first: a `+` at either end of the base64 arrives as a space that trim() would lose.
  return value === undefined ? undefined : value.replace(/ /g, '+').trim();
}
