import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); `CHROMIUM_PATH` overrides it. Must be an absolute path. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether browser tests can run here. */
/** Flags every test browser needs here: headless as root, and no background traffic on a closed network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const hasChromium = existsSync(chromiumPath);

const onCi = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

/**
 * Whether browser tests must be skipped: only when Chromium is missing outside CI. On CI (`CI=true`) they
 * never skip, so a missing browser fails them loudly in `launchChromium`.
 */
export const skipBrowserTests = !hasChromium && !onCi;

/** Launches headless Chromium; throws with the fix when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!hasChromium)
    throw new Error(
      `Chromium not found at ${chromiumPath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_ARGS,
  });
}
