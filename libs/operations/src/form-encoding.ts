/**
 * A form body as PHP's `http_build_query` writes it (`items[0][id]=H01`), which is how the gateway posts its
 * reports and so how partners written for the gateway read ours (`$_POST`).
 */
export function formEncode(value: Record<string, unknown>): string {
  const pairs: string[] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (v === undefined) return;
    if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v as Record<string, unknown>))
        walk(prefix ? `${prefix}[${k}]` : k, inner);
      return;
    }
    const text =
      typeof v === 'string'
        ? v
        : typeof v === 'number' || typeof v === 'bigint'
          ? v.toString()
          : v === true
            ? '1'
            : '';
    pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(text)}`);
  };
  walk('', value);
  return pairs.join('&');
}
