import { createReadStream } from 'node:fs';
import { crc32 } from 'node:zlib';
import { Deflate } from 'fflate';
import { OutputFile } from './output-file';

/**
 * An archive entry: in memory (deflated by `writeZip`), or a file of raw DEFLATE data already written by
 * `DeflatedFile`, whose uncompressed size, CRC-32 and compressed size are known.
 */
export type ZipEntry = { name: string; data: Buffer } | ({ name: string } & DeflatedDigest);

export interface DeflatedDigest {
  /** The file of raw DEFLATE data. */
  path: string;
  /** Uncompressed bytes, and their CRC-32. */
  size: number;
  crc32: number;
  compressedSize: number;
}

// 1980-01-01 00:00:00, the earliest DOS date: every entry carries it, so the archive has no clock in it.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION = 20;
const VERSION_ZIP64 = 45;
const METHOD_DEFLATE = 8;
const MAX_16 = 0xffff;
export const MAX_32 = 0xffffffff;

/**
 * fflate's DEFLATE level for every entry, fixed: with the version pinned in package.json, the same bytes in
 * give the same bytes out on any host. Level 2 deflates sheets to about a tenth at twice the speed of level 6,
 * which saves a further fifth (docs/benchmarks.md#exports).
 */
export const DEFLATE_LEVEL = 2;
/** The deflater is fed exactly this many bytes at a time, so its output depends on the content only. */
const BLOCK = 1 << 16;
/** Text is encoded into a staging buffer of this size before it is cut into blocks. */
const STAGING = 1 << 20;

/**
 * A file written as raw DEFLATE data (pure-JS fflate, never node:zlib, whose output varies with the zlib build
 * and the CPU), with the CRC-32 and size of what went in, for a ZIP entry. Text is encoded straight into a
 * staging buffer (`put`, synchronous), cut into fixed blocks for the deflater, so the bytes do not depend on
 * how the text was split between calls; `flush` writes what came out, and awaiting it is the back-pressure.
 */
export class DeflatedFile {
  readonly #deflate: Deflate;
  #compressed: Uint8Array[] = [];
  #crc = 0;
  #size = 0;
  readonly #staging = Buffer.allocUnsafe(STAGING);
  #used = 0;

  private constructor(private readonly file: OutputFile) {
    this.#deflate = new Deflate({ level: DEFLATE_LEVEL }, (chunk) => this.#compressed.push(chunk));
  }

  static async create(path: string): Promise<DeflatedFile> {
    return new DeflatedFile(await OutputFile.create(path));
  }

  get path(): string {
    return this.file.path;
  }

  /** Appends text as UTF-8 (deflated as whole blocks fill, written by the next `flush`). */
  put(text: string): void {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes: if that much room is left, the text fits.
    if (text.length * 3 > STAGING - this.#used) {
      this.#feed();
      if (text.length * 3 > STAGING - this.#used) {
        this.#append(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.#used += this.#staging.write(text, this.#used, 'utf8');
  }

  /** Writes the compressed bytes made so far. */
  async flush(): Promise<void> {
    this.#feed();
    if (this.#compressed.length === 0) return;
    const chunks = this.#compressed;
    this.#compressed = [];
    await this.file.write(Buffer.concat(chunks));
  }

  /** Ends the DEFLATE stream and closes the file. */
  async close(): Promise<DeflatedDigest> {
    this.#feed();
    this.#push(this.#staging.subarray(0, this.#used), true);
    this.#used = 0;
    await this.flush();
    const digest = await this.file.close();
    return { path: this.path, size: this.#size, crc32: this.#crc, compressedSize: digest.bytes };
  }

  /** Closes and deletes the file. */
  async discard(): Promise<void> {
    await this.file.discard();
  }

  /** Bytes too many for the staging buffer, passed through it. */
  #append(bytes: Buffer): void {
    for (let at = 0; at < bytes.length;) {
      const copied = bytes.copy(this.#staging, this.#used, at);
      at += copied;
      this.#used += copied;
      this.#feed();
    }
  }

  /** Hands the whole blocks staged to the deflater and keeps the rest at the front. */
  #feed(): void {
    let at = 0;
    for (; this.#used - at >= BLOCK; at += BLOCK) this.#push(this.#staging.subarray(at, at + BLOCK), false);
    if (at === 0) return;
    this.#staging.copy(this.#staging, 0, at, this.#used);
    this.#used -= at;
  }

  #push(block: Buffer, final: boolean): void {
    this.#crc = crc32(block, this.#crc);
    this.#size += block.length;
    this.#deflate.push(block, final); // fflate copies the block: the staging buffer may be reused
  }
}

/** Bytes in memory deflated exactly as `DeflatedFile` deflates a file. */
export function deflate(data: Buffer): Buffer {
  const chunks: Uint8Array[] = [];
  const deflater = new Deflate({ level: DEFLATE_LEVEL }, (chunk) => chunks.push(chunk));
  let at = 0;
  for (; data.length - at >= BLOCK; at += BLOCK) deflater.push(data.subarray(at, at + BLOCK), false);
  deflater.push(data.subarray(at), true);
  return Buffer.concat(chunks);
}

/**
 * Writes a ZIP of deflated entries, in the order given, into `out`. The container is written here (about a
 * hundred lines) rather than by fflate's `Zip`, which writes no ZIP64 records (a day of a million vouchers makes
 * sheets of several GiB) and dates entries in the host's time zone. Fixed DOS timestamps, no comments, no data
 * descriptors (sizes and CRCs are known before each entry). ZIP64 records appear exactly when a size, an offset
 * or the entry count needs them; `zip64At` lowers that limit for tests.
 */
export async function writeZip(
  out: OutputFile,
  entries: readonly ZipEntry[],
  zip64At = MAX_32,
): Promise<void> {
  const central: Buffer[] = [];
  const start = out.bytes;
  for (const entry of entries) {
    if (!/^[\x20-\x7e]+$/.test(entry.name))
      throw new RangeError(`zip entry name must be ASCII: ${entry.name}`);
    const name = Buffer.from(entry.name, 'ascii');
    const { data, size, crc, compressed } = content(entry);
    const offset = out.bytes - start;

    // Local header: ZIP64 sizes (both) when either is that large (its offset lives in the central header only).
    const localZip64 = size >= zip64At || compressed >= zip64At;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(localZip64 ? VERSION_ZIP64 : VERSION, 4);
    // flags 0 (normal deflate, no data descriptor)
    local.writeUInt16LE(METHOD_DEFLATE, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(localZip64 ? MAX_32 : compressed, 18);
    local.writeUInt32LE(localZip64 ? MAX_32 : size, 22);
    local.writeUInt16LE(name.length, 26);
    const localExtra = localZip64 ? zip64Extra([size, compressed]) : Buffer.alloc(0);
    local.writeUInt16LE(localExtra.length, 28);
    await out.write(Buffer.concat([local, name, localExtra]));
    if (data) await out.write(data);
    else if ('path' in entry)
      for await (const chunk of createReadStream(entry.path, { highWaterMark: 1 << 20 }))
        await out.write(chunk as Buffer);

    // Central header: a ZIP64 extra holds, in this order, each of these values too large for its field.
    const big = [
      size >= zip64At ? size : undefined,
      compressed >= zip64At ? compressed : undefined,
      offset >= zip64At ? offset : undefined,
    ];
    const extra = zip64Extra(big.filter((value): value is number => value !== undefined));
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(extra.length > 0 ? VERSION_ZIP64 : VERSION, 4); // made by (MS-DOS attributes)
    header.writeUInt16LE(extra.length > 0 ? VERSION_ZIP64 : VERSION, 6); // needed to extract
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt16LE(METHOD_DEFLATE, 10);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(compressed >= zip64At ? MAX_32 : compressed, 20);
    header.writeUInt32LE(size >= zip64At ? MAX_32 : size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(extra.length, 30);
    // comment length, disk number, internal and external attributes: all zero.
    header.writeUInt32LE(offset >= zip64At ? MAX_32 : offset, 42);
    central.push(header, name, extra);
  }

  const directory = Buffer.concat(central);
  const directoryOffset = out.bytes - start;
  await out.write(directory);
  const count = entries.length;
  const zip64 = count >= MAX_16 || directory.length >= zip64At || directoryOffset >= zip64At;
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4); // size of the rest of the record
    record.writeUInt16LE(VERSION_ZIP64, 12);
    record.writeUInt16LE(VERSION_ZIP64, 14);
    // this disk 0, directory's disk 0
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(directoryOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(directoryOffset + directory.length), 8);
    locator.writeUInt32LE(1, 16); // disks in total
    await out.write(Buffer.concat([record, locator]));
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? MAX_16 : count, 8);
  end.writeUInt16LE(zip64 ? MAX_16 : count, 10);
  end.writeUInt32LE(zip64 ? MAX_32 : directory.length, 12);
  end.writeUInt32LE(zip64 ? MAX_32 : directoryOffset, 16);
  await out.write(end);
}

/** An entry's sizes and CRC-32, and its deflated bytes when it is in memory. */
function content(entry: ZipEntry): { data?: Buffer; size: number; crc: number; compressed: number } {
  if ('path' in entry) return { size: entry.size, crc: entry.crc32, compressed: entry.compressedSize };
  const data = deflate(entry.data);
  return { data, size: entry.data.length, crc: crc32(entry.data), compressed: data.length };
}

/** The ZIP64 extended-information extra field (id 1) with the given 8-byte values, or nothing. */
function zip64Extra(values: readonly number[]): Buffer {
  if (values.length === 0) return Buffer.alloc(0);
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, i) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * i));
  return extra;
}
