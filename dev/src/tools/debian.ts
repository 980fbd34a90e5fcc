import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A program from a Debian package: its path if it is there; as root on Debian, the package is installed with
 * apt-get first (once); otherwise an error saying what to install.
 */
export function ensureDebianProgram(
  program: { path: string; pkg: string; neededFor: string; override?: string },
  log: (line: string) => void,
): string {
  const { path, pkg, neededFor } = program;
  if (existsSync(path)) return path;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    log(`installing Debian ${pkg} ${neededFor} (apt-get, first run only)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-q', pkg], { stdio: 'inherit', env });
    if (existsSync(path)) return path;
  }
  throw new Error(
    `${path} is needed ${neededFor} and was not found. Install it (Debian: \`sudo apt-get install ${pkg}\`)` +
      (program.override ? ` or set ${program.override}.` : '.'),
  );
}
