import { ensureDebianProgram } from './debian.ts';

/**
 * The browser for the e2e tests is Debian's `chromium` (never a browser a test tool downloads).
 * CHROMIUM_PATH overrides; as root on Debian it is installed with apt-get when missing.
 */
export function ensureChromium(log: (line: string) => void): string {
  return ensureDebianProgram(
    {
      path: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      pkg: 'chromium',
      neededFor: 'for the browser tests',
      override: 'CHROMIUM_PATH',
    },
    log,
  );
}
