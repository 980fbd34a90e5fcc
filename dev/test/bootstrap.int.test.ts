// Provisioning for real: an old Node.js (the system's Node 20 on this project's machines) runs
// `dev/bootstrap.mjs runtime` on a fresh runtime dir and must fetch Node.js of .node-version from the npm registry
// (npm's cache serves it when this run's own bootstrap already fetched it: no second download), check it, run
// itself again with it first on PATH, and link <data dir>/node to it; a second run reuses it; a registry that
// cannot be reached gives one [setup] sentence, exit code 1 and no stack trace. Skipped where no Node.js older
// than engines.node exists (set METALMART_OLD_NODE to point at one).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { freePort } from '@metalmart/test-support/processes';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_LINK_NAME, readProjectRuntime, reportedVersion, satisfiesMinimum } from '../runtime.mjs';
import { repoRoot } from '../src/settings.ts';

const { minimum, pinned } = readProjectRuntime(repoRoot);

/** The first Node.js binary older than engines.node: METALMART_OLD_NODE, then every `node` on PATH, then /usr. */
function findOldNode(): { binary: string; version: string } | undefined {
  const candidates = [
    process.env.METALMART_OLD_NODE,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'node')),
    '/usr/bin/node',
    '/usr/local/bin/node',
  ];
  for (const binary of new Set(candidates)) {
    if (!binary || !existsSync(binary)) continue;
    const version = reportedVersion(binary);
    if (version && !satisfiesMinimum(version, minimum)) return { binary, version };
  }
  return undefined;
}

const old = findOldNode();
const work = mkdtempSync(join(tmpdir(), 'metalmart-bootstrap-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `<old node> dev/bootstrap.mjs runtime` with the old Node.js first on PATH (as on a machine that has only it). */
function bootstrapRuntime(env: Record<string, string>) {
  if (!old) throw new Error('no old Node.js');
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...env,
    PATH: `${dirname(old.binary)}${delimiter}${process.env.PATH}`,
  };
  delete childEnv.METALMART_BOOTSTRAP_NODE;
  const result = spawnSync(old.binary, ['dev/bootstrap.mjs', 'runtime'], {
    cwd: repoRoot,
    env: childEnv,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, lines: result.stdout.split('\n') };
}

describe.skipIf(!old)(`dev/bootstrap.mjs started by ${old?.binary} (${old?.version})`, () => {
  const dataDir = join(work, 'data');
  const runtimeDir = join(work, 'runtime');
  const prefix = join(runtimeDir, `node-v${pinned}`);
  const env = { METALMART_DATA_DIR: dataDir, METALMART_RUNTIME_DIR: runtimeDir };

  it(`fetches Node.js ${pinned} into an empty runtime dir, then runs on it with it first on PATH`, () => {
    const run = bootstrapRuntime(env);
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const oldVersion = (old?.version ?? '').replace(/^v/, '');
    expect(run.lines[0]).toMatch(
      new RegExp(
        `^\\[setup\\] This is Node\\.js v${oldVersion.replaceAll('.', '\\.')}.*; MetalMart needs Node\\.js ≥ ` +
          `${minimum.replaceAll('.', '\\.')}: fetching Node\\.js ${pinned.replaceAll('.', '\\.')} \\(npm package node-`,
      ),
    );
    expect(run.stdout).toContain(`[setup] Node.js ${pinned} is ready in`);
    expect(run.stdout).toContain(`Node.js v${pinned} (${join(prefix, 'bin', 'node')})`);
    expect(run.stdout).toContain(`node on PATH: v${pinned}`);
    expect(readdirSync(runtimeDir)).toEqual([`node-v${pinned}`]);
    // <data dir>/node → the install in use (absolute: this runtime dir is outside the data dir).
    expect(readlinkSync(join(dataDir, NODE_LINK_NAME))).toBe(prefix);
    expect(reportedVersion(join(dataDir, NODE_LINK_NAME, 'bin', 'node'))).toBe(`v${pinned}`);
  });

  it('reuses it on the next run (no fetch), still saying why', () => {
    const run = bootstrapRuntime(env);
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).not.toContain('fetching');
    expect(run.lines[0]).toContain(`: running with Node.js ${pinned} from ${prefix}.`);
    expect(run.stdout).toContain(`node on PATH: v${pinned}`);
    expect(readdirSync(runtimeDir)).toEqual([`node-v${pinned}`]);
  });

  it('says in one sentence to install Node.js 24 when the registry cannot be reached', async () => {
    const run = bootstrapRuntime({
      METALMART_DATA_DIR: join(work, 'offline-data'),
      METALMART_RUNTIME_DIR: join(work, 'offline-runtime'),
      // Nothing listens there, and an empty cache cannot stand in for it.
      npm_config_registry: `http://127.0.0.1:${await freePort()}/`,
      npm_config_cache: join(work, 'empty-npm-cache'),
      npm_config_fetch_retries: '0',
    });
    expect(run.status).toBe(1);
    const errors = run.stderr.split('\n').filter((line) => line !== '');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[setup\] .*could not be set up from the npm registry \(.+\); install Node\.js 24 /);
    expect(run.stderr + run.stdout).not.toMatch(/^\s+at /m);
    expect(readdirSync(join(work, 'offline-runtime'))).toEqual([]);
  });
});
