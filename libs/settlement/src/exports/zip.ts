import { createReadStream } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { OutputFile } from './output-file';

/** An archive entry: in memory, or a file already written whose size and CRC are known. */
export type ZipEntry =
  { name: string; data: Buffer } | { name: string; path: string; size: number; crc32: number };

// 1980-01-01 00:00:00, the earliest DOS date: every entry carries it, so the archive has no clock in it.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION = 20;
const VERSION_ZIP64 = 45;
const MAX_16 = 0xffff;
export const MAX_32 = 0xffffffff;

/**
 * Writes a ZIP of stored (uncompressed) entries, in the order given, into `out`. Stored rather than deflated on
 * purpose: deflate output depends on the zlib build and even on the CPU (zlib forks hash with CRC32C where the
 * CPU has it), so a compressed workbook could change bytes on another host; stored bytes depend on the content
 * only. Fixed DOS timestamps, no comments, no data descriptors (sizes and CRCs are known before each entry).
 * ZIP64 records appear exactly when a size, an offset or the entry count needs them (a day of a million
 * vouchers makes a workbook of several GiB); `zip64At` lowers that limit for tests.
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
    const size = 'data' in entry ? entry.data.length : entry.size;
    const crc = 'data' in entry ? crc32(entry.data) : entry.crc32;
    const offset = out.bytes - start;

    // Local header: ZIP64 sizes when the entry is that large (its offset lives in the central header only).
    const localZip64 = size >= zip64At;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(localZip64 ? VERSION_ZIP64 : VERSION, 4);
    // flags 0, method 0 (stored)
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(localZip64 ? MAX_32 : size, 18);
    local.writeUInt32LE(localZip64 ? MAX_32 : size, 22);
    local.writeUInt16LE(name.length, 26);
    const localExtra = localZip64 ? zip64Extra([size, size]) : Buffer.alloc(0);
    local.writeUInt16LE(localExtra.length, 28);
    await out.write(Buffer.concat([local, name, localExtra]));
    if ('data' in entry) await out.write(entry.data);
    else
      for await (const chunk of createReadStream(entry.path, { highWaterMark: 1 << 20 }))
        await out.write(chunk as Buffer);

    const big = [
      size >= zip64At ? size : undefined,
      size >= zip64At ? size : undefined,
      offset >= zip64At ? offset : undefined,
    ];
    const extra = zip64Extra(big.filter((value): value is number => value !== undefined));
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(extra.length > 0 ? VERSION_ZIP64 : VERSION, 4); // made by (MS-DOS attributes)
    header.writeUInt16LE(extra.length > 0 ? VERSION_ZIP64 : VERSION, 6); // needed to extract
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(size >= zip64At ? MAX_32 : size, 20);
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

/** The ZIP64 extended-information extra field (id 1) with the given 8-byte values, or nothing. */
function zip64Extra(values: readonly number[]): Buffer {
  if (values.length === 0) return Buffer.alloc(0);
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, i) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * i));
  return extra;
}
