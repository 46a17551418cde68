import { encryptEnvelope } from '@tixclear/crypto';
import { httpBuildQuery } from '@tixclear/gateway-client';

/*
 * What the seed's PHP sample client does, for the specs: json_encode() (escapes `/` as `\/` and every non-ASCII
 * UTF-16 unit as `\uXXXX`), the envelope, and http_build_query() of store_uid, service and encry_data.
 */

export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function phpPostBody(storeUid: string, key: string, cmd: string, rawData: unknown): string {
  return httpBuildQuery({
    store_uid: storeUid,
    service: encryptEnvelope(phpJsonEncode({ service_name: 'api', cmd }), key),
    encry_data: encryptEnvelope(phpJsonEncode(rawData), key),
  });
}

export async function postForm(url: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: response.status, text: await response.text() };
}
