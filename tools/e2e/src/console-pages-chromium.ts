import { accessSync, constants } from 'node:fs';

/** Where the browser specs look for Debian's chromium when CHROMIUM_PATH names none. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export const MISSING_CHROMIUM =
  'The browser specs need Chromium: install it with `apt-get install chromium` (Debian), or set CHROMIUM_PATH ' +
  'to a Chromium executable. They fail rather than skip without it.';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium the browser specs drive (playwright-core, no browser download): CHROMIUM_PATH when set, else
 * /usr/bin/chromium; when neither is an executable, throws saying how to install it (never a skipped spec).
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env, fallback = DEFAULT_CHROMIUM): string {
  const named = env.CHROMIUM_PATH;
  if (named) {
    if (executable(named)) return named;
    throw new Error(`CHROMIUM_PATH=${named} is not an executable. ${MISSING_CHROMIUM}`);
  }
  if (executable(fallback)) return fallback;
  throw new Error(`No Chromium at ${fallback}. ${MISSING_CHROMIUM}`);
}
