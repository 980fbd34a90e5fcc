// @ts-check
// The Node.js runtime of the project, for dev/bootstrap.mjs. Plain JavaScript that any Node.js with npm can
// run (it is what decides that an old one must not run the rest): which version is needed (package.json
// `engines.node`), which one is pinned for provisioning (.node-version), and — when the running one is too
// old — the pinned build from the npm registry's platform package (`node-<platform>-<arch>`), fetched with
// `npm pack` (npm checks the tarball against the registry's integrity hash), extracted once into
// <runtime dir>/node-v<version>/ and reused from then on. `<data dir>/node` always links to the install in use.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';

/** The symlink in the data dir that always points at the prefix of the Node.js in use (`<link>/bin/node`). */
export const NODE_LINK_NAME = 'node';

/** End-of-life dates of the old LTS lines, for the explanation printed when one of them starts a command. */
const END_OF_LIFE = { 16: '2023-09-11', 18: '2025-04-30', 20: '2026-04-30' };

/** A failure the user can act on: printed as one sentence, without a stack trace. */
export class RuntimeError extends Error {}

/**
 * "v24.22.3" / "24.22.3" / "24.6" → [24, 22, 3] (missing parts are 0).
 * @param {string} version
 * @returns {[number, number, number]}
 */
export function parseVersion(version) {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(version).trim());
  if (!match) throw new RuntimeError(`"${version}" is not a Node.js version`);
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

/**
 * Whether `version` is at least `minimum` (both "x.y.z", "x.y" or "vx.y.z").
 * @param {string} version
 * @param {string} minimum
 */
export function satisfiesMinimum(version, minimum) {
  const have = parseVersion(version);
  const need = parseVersion(minimum);
  for (const i of [0, 1, 2]) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/**
 * `engines.node` of the root package.json, which must be a plain ">=x.y[.z]" (the only form checked here).
 * @param {string | undefined} range
 * @returns {string}
 */
export function minimumFromEngines(range) {
  const match = /^\s*>=\s*(\d+(?:\.\d+){0,2})\s*$/.exec(String(range ?? ''));
  if (!match) throw new RuntimeError(`package.json engines.node must have the form ">=x.y", not "${range}"`);
  return String(match[1]);
}

/**
 * What the project asks for: `minimum` from package.json's engines.node, `pinned` (the exact version that is
 * provisioned when the running Node.js is older than the minimum) from .node-version.
 * @param {string} root
 * @returns {{ minimum: string, pinned: string }}
 */
export function readProjectRuntime(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const minimum = minimumFromEngines(pkg.engines?.node);
  const pinned = readFileSync(join(root, '.node-version'), 'utf8').trim().replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(pinned)) throw new RuntimeError(`.node-version must hold x.y.z, not "${pinned}"`);
  if (!satisfiesMinimum(pinned, minimum)) {
    throw new RuntimeError(`.node-version (${pinned}) is older than package.json's engines.node (>=${minimum})`);
  }
  return { minimum, pinned };
}

/**
 * The npm registry's package with the Node.js binary of this platform (as the `node` package installs it).
 * @param {string} [platform]
 * @param {string} [arch]
 */
export function platformPackage(platform = process.platform, arch = process.arch) {
  return `node-${platform}-${arch}`;
}

/**
 * Where version `version` is installed under the runtime dir.
 * @param {string} runtimeDir
 * @param {string} version
 */
export function installDirFor(runtimeDir, version) {
  return join(runtimeDir, `node-v${version}`);
}

/**
 * The `node` binary of an install prefix.
 * @param {string} prefix
 * @param {string} [platform]
 */
export function nodeBinaryIn(prefix, platform = process.platform) {
  return join(prefix, 'bin', platform === 'win32' ? 'node.exe' : 'node');
}

/**
 * The install prefix of a node binary: /x/bin/node → /x.
 * @param {string} nodeBinary
 */
export function prefixOf(nodeBinary) {
  return dirname(dirname(nodeBinary));
}

/**
 * What `<binary> --version` prints ("v24.22.3"), or undefined if it is missing or does not run.
 * @param {string} binary
 * @returns {string | undefined}
 */
export function reportedVersion(binary) {
  if (!existsSync(binary)) return undefined;
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * Why the running Node.js is not used: "Node.js v20.20.2 (end of life since 2026-04-30)".
 * @param {string} version
 */
export function describeRunning(version) {
  const [major] = parseVersion(version);
  const eol = END_OF_LIFE[/** @type {keyof typeof END_OF_LIFE} */ (major)];
  return `Node.js v${parseVersion(version).join('.')}${eol ? ` (end of life since ${eol})` : ''}`;
}

/**
 * The first meaningful line of npm's error output (not its code/errno/syscall lines), for a one-sentence message.
 * @param {string | undefined} output
 */
export function npmReason(output) {
  const lines = String(output ?? '')
    .split('\n')
    .map((line) =>
      line
        .replace(/^npm (?:error|ERR!)\s*/, '')
        .replace(/^notarget\s+/, '')
        .trim(),
    )
    .filter((line) => line !== '' && !/^(?:code|errno|syscall)\s|^A complete log|^Log files/.test(line));
  const line = (lines[0] ?? 'npm pack failed').replace(/^FetchError:\s*/, '');
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}

/**
 * Default fetcher: `npm pack <spec>` into `destination` (npm verifies the tarball's integrity against the
 * registry) → the path of the .tgz. Throws RuntimeError with npm's reason on failure.
 * @param {string} spec
 * @param {string} destination
 * @returns {string}
 */
export function npmPack(spec, destination) {
  const result = spawnSync('npm', ['pack', spec, '--pack-destination', destination, '--loglevel=error'], {
    cwd: destination,
    encoding: 'utf8',
    shell: process.platform === 'win32',
    timeout: 15 * 60_000,
  });
  if (result.error) {
    throw new RuntimeError(
      /** @type {NodeJS.ErrnoException} */ (result.error).code === 'ENOENT'
        ? 'npm was not found'
        : result.error.message,
    );
  }
  if (result.status !== 0) throw new RuntimeError(npmReason(result.stderr || result.stdout));
  const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new RuntimeError(`npm pack ${spec} wrote no tarball`);
  return join(destination, tarball);
}

/**
 * Extracts a .tgz into `destination` with the system's tar (GNU tar, bsdtar and Windows' tar.exe all read it).
 * @param {string} tarball
 * @param {string} destination
 */
function extract(tarball, destination) {
  const result = spawnSync('tar', ['-xzf', tarball, '-C', destination], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new RuntimeError(`extracting ${tarball} failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
}

/**
 * Makes sure Node.js `version` is installed under `runtimeDir` and returns it. Reuses a previous install that
 * reports the right version; otherwise fetches the platform package (through `fetchTarball`), extracts it in a
 * private staging folder, checks `bin/node --version`, and moves it into place (a concurrent run that got there
 * first wins; a broken leftover is replaced).
 * @param {{ runtimeDir: string, version: string, platform?: string, arch?: string,
 *   fetchTarball?: (spec: string, destination: string) => string, onFetch?: (what: string) => void }} options
 * @returns {{ prefix: string, binary: string, fetched: boolean }}
 */
export function ensureRuntime({
  runtimeDir,
  version,
  platform = process.platform,
  arch = process.arch,
  fetchTarball = npmPack,
  onFetch = () => {},
}) {
  const prefix = installDirFor(runtimeDir, version);
  const binary = nodeBinaryIn(prefix, platform);
  const expected = `v${version}`;
  if (reportedVersion(binary) === expected) return { prefix, binary, fetched: false };

  const spec = `${platformPackage(platform, arch)}@${version}`;
  onFetch(spec);
  mkdirSync(runtimeDir, { recursive: true });
  const staging = mkdtempSync(join(runtimeDir, '.fetch-'));
  try {
    const tarball = fetchTarball(spec, staging);
    extract(tarball, staging);
    const unpacked = join(staging, 'package');
    const found = reportedVersion(nodeBinaryIn(unpacked, platform));
    if (found !== expected) {
      throw new RuntimeError(`the node binary of ${spec} reports ${found ?? 'nothing (it does not run here)'}`);
    }
    if (reportedVersion(binary) !== expected) {
      rmSync(prefix, { recursive: true, force: true });
      try {
        renameSync(unpacked, prefix);
      } catch (error) {
        if (reportedVersion(binary) !== expected) throw error;
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { prefix, binary, fetched: true };
}

/**
 * Points `<dataDir>/node` at `prefix` (relative when inside the data dir, so moving the checkout keeps it
 * valid), replacing an older link atomically. Returns the link's path, or undefined if it could not be made
 * (e.g. a real folder is in the way, or the file system has no symlinks) — the link is a convenience only.
 * @param {string} dataDir
 * @param {string} prefix
 * @returns {string | undefined}
 */
export function linkRuntime(dataDir, prefix) {
  const link = join(dataDir, NODE_LINK_NAME);
  const inside = relative(dataDir, prefix);
  const target = inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : prefix;
  try {
    if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink() && readlinkSync(link) === target) return link;
    mkdirSync(dataDir, { recursive: true });
    const temporary = join(dataDir, `.${NODE_LINK_NAME}-${process.pid}.tmp`);
    rmSync(temporary, { force: true });
    symlinkSync(target, temporary, 'junction');
    try {
      renameSync(temporary, link);
    } finally {
      rmSync(temporary, { force: true });
    }
    return link;
  } catch {
    return undefined;
  }
}
