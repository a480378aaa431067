import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's `chromium` package; `.ci/run` installs it. No browser build is ever downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface TestBrowser {
  /** A persistent-profile-free context per call: its own cookies, storage and network state. */
  newContext(options?: Parameters<Browser['newContext']>[0]): Promise<BrowserContext>;
  /** The browser's version, for benchmark reports. */
  version(): string;
  close(): Promise<void>;
}

/**
 * Headless Chromium driven by playwright-core. `launch` gives the browser a fresh temporary user
 * data directory of its own and removes it on close (playwright refuses `--user-data-dir` here).
 * Fails with a clear message when the browser is missing: browser tests skip nothing.
 */
export async function launchChromium(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    newContext: (options) => browser.newContext(options),
    version: () => browser.version(),
    close: () => browser.close(),
  };
}
