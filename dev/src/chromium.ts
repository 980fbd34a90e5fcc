import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The browser for the e2e tests is Debian's `chromium` (never a browser a test tool downloads).
 * CHROMIUM_PATH overrides; as root on Debian it is installed with apt-get when missing.
 */
export function ensureChromium(log: (line: string) => void): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (existsSync(path)) return path;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    log('installing Debian chromium for the browser tests (apt-get, first run only)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit', env });
    if (existsSync(path)) return path;
  }
  throw new Error(
    `Chromium is needed for the browser tests and was not found at ${path}. ` +
      'Install it (Debian: `sudo apt-get install chromium`) or set CHROMIUM_PATH.',
  );
}
