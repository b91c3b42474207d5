/**
 * Headless Chromium for the browser tests and the benchmark: Debian's `chromium` (never a downloaded browser), with
 * the flags this sandbox needs (its closed network refuses Chromium's background connections).
 */
import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.FLAMESCOPE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_MISSING = `${CHROMIUM_PATH} is missing: run \`apt-get install -y chromium\``;

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
