import { createHash, type Hash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';

export interface FileDigest {
  sha256: string;
  /** CRC-32 of the content, for a ZIP entry. */
  crc32: number;
  bytes: number;
}

const CHUNK = 1 << 20;

/**
 * A file written front to back, hashed as it goes (SHA-256 for the manifest, CRC-32 for the workbook's ZIP), so
 * no file is ever held in memory nor read back. Text is encoded straight into 1 MiB chunks (`put`, synchronous:
 * no intermediate string or buffer per row, which for millions of rows is what the garbage collector would
 * otherwise spend its time on); `flush` writes the full chunks, and awaiting it is the back-pressure.
 */
export class OutputFile {
  readonly #hash: Hash = createHash('sha256');
  #crc = 0;
  #written = 0;
  #full: Buffer[] = [];
  #chunk = Buffer.allocUnsafe(CHUNK);
  #used = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<OutputFile> {
    return new OutputFile(path, await open(path, 'w'));
  }

  /** Bytes written so far, including those not yet flushed. */
  get bytes(): number {
    return this.#written + this.#full.reduce((sum, chunk) => sum + chunk.length, 0) + this.#used;
  }

  /** Appends text as UTF-8 (written by the next `flush`). */
  put(text: string): void {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes: if that much room is left, the text fits.
    if (text.length * 3 > CHUNK - this.#used) {
      this.#seal();
      if (text.length * 3 > CHUNK) {
        this.#full.push(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.#used += this.#chunk.write(text, this.#used, 'utf8');
  }

  /** Appends bytes (copied into the chunks; written by the next `flush`). */
  append(bytes: Uint8Array): void {
    for (let offset = 0; offset < bytes.length;) {
      if (this.#used === CHUNK) this.#seal();
      const room = Math.min(CHUNK - this.#used, bytes.length - offset);
      this.#chunk.set(bytes.subarray(offset, offset + room), this.#used);
      this.#used += room;
      offset += room;
    }
  }

  /**
   * A stream into this file (for a COPY's output): small pieces gather into whole chunks, each written as it
   * fills; awaiting the write is the stream's back-pressure. Ending the stream does not close the file.
   */
  sink(): Writable {
    return new Writable({
      write: (piece: Buffer, _encoding, done) => {
        this.append(piece);
        this.flush().then(() => done(), done);
      },
    });
  }

  /** Appends bytes and flushes. */
  async write(data: Buffer | string): Promise<void> {
    if (typeof data === 'string') this.put(data);
    else {
      this.#seal();
      this.#full.push(data);
    }
    await this.flush();
  }

  /** Writes what is pending in whole chunks (the partial chunk waits for more). */
  async flush(): Promise<void> {
    const full = this.#full;
    this.#full = [];
    for (const chunk of full) await this.#write(chunk);
  }

  async close(): Promise<FileDigest> {
    this.#seal();
    await this.flush();
    await this.handle.close();
    return { sha256: this.#hash.digest('hex'), crc32: this.#crc, bytes: this.#written };
  }

  /** Closes and deletes the file (an export that failed leaves no half file behind). */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }

  #seal(): void {
    if (this.#used === 0) return;
    this.#full.push(this.#chunk.subarray(0, this.#used));
    this.#chunk = Buffer.allocUnsafe(CHUNK);
    this.#used = 0;
  }

  async #write(chunk: Buffer): Promise<void> {
    this.#hash.update(chunk);
    this.#crc = crc32(chunk, this.#crc);
    this.#written += chunk.length;
    for (let offset = 0; offset < chunk.length;) {
      const { bytesWritten } = await this.handle.write(chunk, offset);
      offset += bytesWritten;
    }
  }
}
