import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumPath } from './console-pages-chromium';

describe('chromiumPath', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chromium-path-'));
  const browser = path.join(dir, 'chromium');
  writeFileSync(browser, '#!/bin/sh\n', { mode: 0o755 });
  const plain = path.join(dir, 'not-executable');
  writeFileSync(plain, '', { mode: 0o644 });

  it('takes CHROMIUM_PATH, else the default, when it is an executable', () => {
    expect(chromiumPath({ CHROMIUM_PATH: browser }, '/nowhere')).toBe(browser);
    expect(chromiumPath({}, browser)).toBe(browser);
  });

  it('fails saying how to install Chromium when there is none, never answering a path', () => {
    expect(() => chromiumPath({}, path.join(dir, 'missing'))).toThrow(/apt-get install chromium/);
    expect(() => chromiumPath({ CHROMIUM_PATH: plain }, browser)).toThrow(
      /CHROMIUM_PATH=.*not an executable.*apt-get install chromium/,
    );
  });
});
