// Python tools from PyPI for tests (independent checkers: Schemathesis, the Prometheus text parser), each in a
// virtual environment under the data dir, made on first use and kept (stamped by its exact version).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStackSettings, repoRoot } from '@metalmart/dev/settings';

export function runCommand(command: string, args: string[], options: { cwd?: string; input?: string } = {}) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.stdin.end(options.input ?? '');
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** The venv holding `pkg==version` (made now if missing or of another version); resolves with its folder. */
export async function pythonVenv(pkg: string, version: string): Promise<string> {
  const venv = join(readStackSettings().dataDir, `${pkg}-${version}`);
  const stamp = join(venv, '.installed');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === version) return venv;
  rmSync(venv, { recursive: true, force: true });
  console.log(`[python] creating ${venv} (python3 -m venv, pip install ${pkg}==${version})`);
  const made = await runCommand('python3', ['-m', 'venv', venv]);
  if (made.code !== 0)
    throw new Error(`python3 -m venv ${venv} failed (needs Python ≥ 3.10 with venv):\n${made.output}`);
  const pip = await runCommand(join(venv, 'bin', 'pip'), ['install', '--quiet', `${pkg}==${version}`]);
  if (pip.code !== 0) throw new Error(`pip install ${pkg}==${version} failed:\n${pip.output}`);
  writeFileSync(stamp, `${version}\n`);
  return venv;
}
