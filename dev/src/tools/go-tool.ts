// Pinned Go programs (kustomize, Jaeger, the deploy tests' Kubernetes control plane) built from the Go module proxy into the ignored .data/bin: the one
// registry for Go code every machine of this project reaches, and no Docker or GitHub release downloads.
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pipeLines } from '../processes.ts';
import { repoRoot } from '../settings.ts';

export const binDir = join(repoRoot, '.data', 'bin');

export interface GoProgram {
  /** Its name in messages. */
  name: string;
  /** Where the binary goes (usually in binDir). */
  binary: string;
  /** What it is needed for, for the error when `go` is missing. */
  neededFor: string;
  /**
   * `{ install: 'module/cmd@version' }` runs `go install` outside any module; `{ moduleDir, package }` runs
   * `go build` of a tool package inside a tools module (its go.mod/go.sum pin every dependency).
   */
  source: { install: string } | { moduleDir: string; package: string };
  /**
   * What the wanted build is (a version, a hash of the tools module): kept beside the binary in
   * `<binary>.stamp`, and a binary with another stamp is rebuilt. Leave out to rely on `isCurrent` only.
   */
  stamp?: string;
  /** Whether the binary in place is the wanted one (e.g. from its version output); true when left out. */
  isCurrent?: (binary: string) => boolean;
  /**
   * GOTOOLCHAIN for the build: `local` (the default) never lets `go` fetch another toolchain behind our back;
   * a tools module whose go.mod needs a newer Go than the machine's names that version here.
   */
  toolchain?: string;
  /** `-ldflags` for the build, e.g. `-s -w` (no symbol tables: a third smaller) or `-X` version stamps. */
  ldflags?: string;
  timeoutMs?: number;
}

function stampFile(program: GoProgram): string {
  return `${program.binary}.stamp`;
}

function isUpToDate(program: GoProgram): boolean {
  if (!existsSync(program.binary)) return false;
  if (program.stamp !== undefined) {
    const file = stampFile(program);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== program.stamp) return false;
  }
  return program.isCurrent?.(program.binary) ?? true;
}

function checkGo(program: GoProgram): void {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error(
      `${program.name} is needed ${program.neededFor} and is built with Go, but \`go\` was not found. ` +
        'Install Go 1.26 or newer (Debian: golang from backports, or the Go toolchain), then re-run.',
    );
  }
}

/** The go command that builds the program into `staging`, and the name it has there. */
function buildPlan(program: GoProgram, staging: string) {
  const env = { ...process.env, GOTOOLCHAIN: program.toolchain ?? 'local', CGO_ENABLED: '0' };
  const output = basename(program.binary);
  const flags = program.ldflags ? ['-ldflags', program.ldflags] : [];
  if ('install' in program.source) {
    // Named like `go install` names it: after the last path element that is not a major version (`/v5`).
    const built = basename(program.source.install.replace(/@.*$/, '').replace(/\/v\d+$/, ''));
    return {
      what: `go install ${program.source.install}`,
      args: ['install', ...flags, program.source.install],
      cwd: repoRoot,
      env: { ...env, GOBIN: staging },
      built: join(staging, built),
    };
  }
  return {
    what: `go build ${program.source.package} (in ${program.source.moduleDir})`,
    args: ['build', ...flags, '-o', join(staging, output), program.source.package],
    cwd: program.source.moduleDir,
    env,
    built: join(staging, output),
  };
}

/**
 * Builds into a private folder, then moves into place: parallel runs never see a half-written binary, and a
 * failed build leaves the old one alone.
 */
function inStaging<T>(program: GoProgram, build: (staging: string) => T): T {
  mkdirSync(dirname(program.binary), { recursive: true });
  const staging = join(dirname(program.binary), `.install-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  const cleanUp = () => rmSync(staging, { recursive: true, force: true });
  try {
    const result = build(staging);
    if (result instanceof Promise) return result.finally(cleanUp) as T;
    cleanUp();
    return result;
  } catch (error) {
    cleanUp();
    throw error;
  }
}

function moveIntoPlace(program: GoProgram, built: string): void {
  renameSync(built, program.binary);
  if (program.stamp !== undefined) writeFileSync(stampFile(program), program.stamp);
  else rmSync(stampFile(program), { force: true });
  if (!isUpToDate(program)) throw new Error(`the freshly built ${program.binary} is not the wanted ${program.name}`);
}

function failure(what: string, result: Pick<SpawnSyncReturns<string>, 'status' | 'signal' | 'error'>, output: string) {
  const reason = result.error?.message ?? (result.signal ? `killed by ${result.signal}` : `exit code ${result.status}`);
  return new Error(`${what} failed (${reason}):\n${output}`);
}

/** Returns the program's path, building it first if it is missing or stale; blocks (for synchronous callers). */
export function ensureGoProgramSync(program: GoProgram): string {
  if (isUpToDate(program)) return program.binary;
  checkGo(program);
  return inStaging(program, (staging) => {
    const plan = buildPlan(program, staging);
    const result = spawnSync('go', plan.args, {
      cwd: plan.cwd,
      env: plan.env,
      encoding: 'utf8',
      timeout: program.timeoutMs ?? 15 * 60_000,
    });
    if (result.status !== 0) throw failure(plan.what, result, `${result.stderr}${result.stdout}`);
    moveIntoPlace(program, plan.built);
    return program.binary;
  });
}

/** Like ensureGoProgramSync, without blocking: a build of minutes must not freeze the caller's other work. */
export async function ensureGoProgram(program: GoProgram, log: (line: string) => void): Promise<string> {
  if (isUpToDate(program)) return program.binary;
  checkGo(program);
  return inStaging(program, async (staging) => {
    const plan = buildPlan(program, staging);
    const started = Date.now();
    log(`building ${program.name}: ${plan.what} (minutes on a cold Go build cache)…`);
    const child = spawn('go', plan.args, { cwd: plan.cwd, env: plan.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    pipeLines(child, (line) => {
      output.push(line);
      log(line);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), program.timeoutMs ?? 20 * 60_000);
    const result = await new Promise<{ status: number | null; signal: NodeJS.Signals | null; error?: Error }>(
      (resolve) => {
        child.once('error', (error) => resolve({ status: null, signal: null, error }));
        child.once('close', (status, signal) => resolve({ status, signal }));
      },
    );
    clearTimeout(timer);
    if (result.status !== 0) throw failure(plan.what, result, output.slice(-40).join('\n'));
    moveIntoPlace(program, plan.built);
    log(`built ${program.binary} in ${Math.round((Date.now() - started) / 1000)} s`);
    return program.binary;
  });
}
