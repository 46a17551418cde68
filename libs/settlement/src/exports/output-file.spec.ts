import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { OutputFile } from './output-file';

describe('OutputFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tixclear-output-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes exactly what it was given across chunk boundaries, with its SHA-256, CRC-32 and size', async () => {
    const file = await OutputFile.create(path.join(dir, 'a.txt'));
    const parts: string[] = [];
    // Multi-byte text (3 bytes a character) around the 1 MiB chunk size, a string larger than a chunk, bytes.
    for (let i = 0; i < 120_000; i++) parts.push(i % 7 === 0 ? `電影票${i},` : `row ${i}\r\n`);
    parts.push('大'.repeat(600_000));
    for (const part of parts) file.put(part);
    await file.write(Buffer.from('tail'));
    expect(file.bytes).toBe(Buffer.byteLength(parts.join('') + 'tail'));
    const digest = await file.close();
    const content = await readFile(path.join(dir, 'a.txt'));
    expect(content.toString('utf8')).toBe(parts.join('') + 'tail');
    expect(digest).toEqual({
      sha256: createHash('sha256').update(content).digest('hex'),
      crc32: crc32(content),
      bytes: content.length,
    });
  });

  it('discards a file it was writing', async () => {
    const file = await OutputFile.create(path.join(dir, 'b.txt'));
    file.put('half');
    await file.discard();
    await expect(readFile(path.join(dir, 'b.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
