import { constants, type ReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { directoryName, MANIFEST_FORMAT, MANIFEST_NAME, type Manifest } from '@tixclear/settlement';

/** A file of a run's export as its manifest lists it. */
export interface RunFile {
  name: string;
  sha256: string;
  bytes: number;
}

/** A file name a manifest may list: a plain name, never a path (no separator, no leading dot). */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * The files of a run's export, from the manifest in the run's own folder (`<root>/<directoryName(period)>`,
 * as the export step writes it): null when there is no manifest yet, or one that is not of this period. A
 * name that is not a plain file name is left out, whatever the manifest says.
 */
export async function runFiles(
  root: string,
  period: { start: string; end: string },
): Promise<RunFile[] | null> {
  const directory = path.join(root, directoryName(period));
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(directory, MANIFEST_NAME), 'utf8')) as Manifest;
  } catch {
    return null;
  }
  if (
    manifest?.format !== MANIFEST_FORMAT ||
    manifest.period?.start !== period.start ||
    manifest.period?.end !== period.end ||
    !Array.isArray(manifest.files)
  )
    return null;
  return manifest.files
    .filter(
      (f) =>
        typeof f?.name === 'string' &&
        SAFE_NAME.test(f.name) &&
        f.name !== MANIFEST_NAME &&
        Number.isSafeInteger(f.bytes) &&
        typeof f.sha256 === 'string',
    )
    .map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes }));
}

const TYPES: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.json': 'application/json; charset=utf-8',
};

export interface OpenedRunFile {
  stream: ReadStream;
  bytes: number;
  type: string;
  /** `attachment` with a name made of the period and the file's own (characters of SAFE_NAME only). */
  disposition: string;
}

/**
 * Opens one file of a run's export for streaming. The name is looked up in the manifest's own list (or is the
 * manifest itself), never joined to a path as given; the file must be a regular file, not a link (O_NOFOLLOW),
 * of the size the manifest states. Anything else: null (the caller answers 404).
 */
export async function openRunFile(
  root: string,
  period: { start: string; end: string },
  name: string,
): Promise<OpenedRunFile | null> {
  const files = await runFiles(root, period);
  if (!files) return null;
  const listed =
    name === MANIFEST_NAME ? { name: MANIFEST_NAME, bytes: -1 } : files.find((f) => f.name === name);
  if (!listed) return null;
  const folder = directoryName(period);
  const handle = await open(
    path.join(root, folder, listed.name),
    constants.O_RDONLY | constants.O_NOFOLLOW,
  ).catch(() => null);
  if (!handle) return null;
  const stat = await handle.stat();
  if (!stat.isFile() || (listed.bytes >= 0 && stat.size !== listed.bytes)) {
    await handle.close();
    return null;
  }
  const extension = path.extname(listed.name);
  return {
    stream: handle.createReadStream(),
    bytes: stat.size,
    type: TYPES[extension] ?? 'application/octet-stream',
    disposition: `attachment; filename="${folder}-${listed.name}"`,
  };
}
