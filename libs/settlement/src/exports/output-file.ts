import { createHash, type Hash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

export interface FileDigest {
  sha256: string;
  /** CRC-32 of the content, for a ZIP entry. */
  crc32: number;
  bytes: number;
}

const FLUSH_AT = 1 << 20;

/**
 * A file written front to back, hashed as it goes (SHA-256 for the manifest, CRC-32 for the workbook's ZIP), so
 * no file is ever held in memory nor read back. Writes are gathered into ~1 MiB chunks; each awaited write is
 * the back-pressure.
 */
export class OutputFile {
  readonly #hash: Hash = createHash('sha256');
  #crc = 0;
  #bytes = 0;
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<OutputFile> {
    return new OutputFile(path, await open(path, 'w'));
  }

  get bytes(): number {
    return this.#bytes + this.#pendingBytes;
  }

  async write(data: Buffer | string): Promise<void> {
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes >= FLUSH_AT) await this.#flush();
  }

  async close(): Promise<FileDigest> {
    await this.#flush();
    await this.handle.close();
    return { sha256: this.#hash.digest('hex'), crc32: this.#crc, bytes: this.#bytes };
  }

  /** Closes and deletes the file (an export that failed leaves no half file behind). */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }

  async #flush(): Promise<void> {
    if (this.#pendingBytes === 0) return;
    const chunk = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#hash.update(chunk);
    this.#crc = crc32(chunk, this.#crc);
    this.#bytes += chunk.length;
    for (let offset = 0; offset < chunk.length;) {
      const { bytesWritten } = await this.handle.write(chunk, offset);
      offset += bytesWritten;
    }
  }
}
