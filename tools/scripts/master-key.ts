import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseMasterKey } from '@tixclear/crypto';
import { REPO_ROOT } from './database';

const LOCAL_KEY_FILE = path.join(REPO_ROOT, '.data', 'master.key');

/**
 * The master key that seals partner keys at rest: `TIXCLEAR_MASTER_KEY` (64 hex characters) in any real
 * deployment. For the local default only, a random key is made once and kept in `.data/master.key` (git-ignored,
 * mode 0600) beside the embedded database whose rows it seals.
 */
export function resolveMasterKey(): { key: Buffer; hex: string; source: 'environment' | 'local file' } {
  const fromEnv = process.env.TIXCLEAR_MASTER_KEY;
  if (fromEnv) {
    const key = parseMasterKey(fromEnv);
    return { key, hex: key.toString('hex'), source: 'environment' };
  }
  if (!existsSync(LOCAL_KEY_FILE)) {
    mkdirSync(path.dirname(LOCAL_KEY_FILE), { recursive: true });
    writeFileSync(LOCAL_KEY_FILE, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  const key = parseMasterKey(readFileSync(LOCAL_KEY_FILE, 'utf8').trim());
  return { key, hex: key.toString('hex'), source: 'local file' };
}
