import { createHash } from 'node:crypto';
import type { ExportedFile } from '../ports';
import { compareBytes } from './table';

export const MANIFEST_NAME = 'manifest.json';
export const MANIFEST_FORMAT = 'tixclear.settlement-export/1';

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  period: { start: string; end: string };
  /** Every file of the export but the manifest itself, by name (byte order). */
  files: ExportedFile[];
}

export function describeFile(name: string, data: Buffer): ExportedFile {
  return { name, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
}

/**
 * The manifest, deterministic like the files it lists: fixed key order (built literally here, not from a
 * spread of whatever came in), files sorted by name, two-space JSON with a final newline, no timestamp.
 */
export function manifestBytes(
  period: { start: string; end: string },
  files: readonly ExportedFile[],
): Buffer {
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    period: { start: period.start, end: period.end },
    files: [...files]
      .sort((a, b) => compareBytes(a.name, b.name))
      .map((file) => ({ name: file.name, sha256: file.sha256, bytes: file.bytes })),
  };
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}
