import { BlockList, isIP } from 'node:net';

/**
 * The addresses `/gateway/notify` accepts reports from: IP addresses and CIDR ranges (`203.0.113.7`,
 * `203.0.113.0/24`, `2001:db8::/32`). Empty allows every address. The address is the request's client address,
 * as the envelope limiter sees it: the connection's own, or behind a TRUST_PROXY proxy the one it forwarded (no
 * other forwarding header is believed); an IPv4 address seen as IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is read as IPv4.
 */
export class SourceAllowList {
  readonly #list: BlockList | undefined;

  private constructor(list: BlockList | undefined) {
    this.#list = list;
  }

  /** From the configuration's entries; throws on one that is neither an address nor a range. */
  static of(entries: readonly string[]): SourceAllowList {
    if (entries.length === 0) return new SourceAllowList(undefined);
    const list = new BlockList();
    for (const entry of entries) {
      const parsed = parseEntry(entry);
      if (!parsed) throw new Error(`not an IP address or CIDR range: ${entry}`);
      if (parsed.prefix === undefined) list.addAddress(parsed.address, parsed.family);
      else list.addSubnet(parsed.address, parsed.prefix, parsed.family);
    }
    return new SourceAllowList(list);
  }

  allows(address: string | undefined): boolean {
    if (!this.#list) return true;
    if (!address) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const ip = mapped ?? address;
    const family = isIP(ip);
    if (family === 0) return false;
    return this.#list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** One allow-list entry, or undefined when it is not valid. */
export function parseEntry(
  entry: string,
): { address: string; family: 'ipv4' | 'ipv6'; prefix?: number } | undefined {
  const [address = '', prefixText, extra] = entry.trim().split('/');
  if (extra !== undefined) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return undefined;
  return { address, family, prefix };
}

/** The configuration's comma-separated text as entries (blank entries ignored). */
export function allowListEntries(text: string): string[] {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
}
