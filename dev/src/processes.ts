// Child processes of the local stack and of the tests: one way to run a Node.js entry point and read its lines.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BACKOFFS, backoffDelay } from '@metalmart/contracts';
import { formatLogLine, prefixedLogger } from './log.ts';
import { repoRoot } from './settings.ts';

/** Each line the child writes, stdout and stderr alike. */
export function pipeLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', onLine);
  }
}

/** `node <args>` with this process's environment plus `env`, its output piped (read it with pipeLines). */
export function spawnNode(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; detached?: boolean } = {},
): ChildProcess {
  return spawn(process.execPath, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface ServiceSpec {
  name: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

/**
 * A child process of `npm start`: logs prefixed with its name, restarted with backoff if it dies on its own,
 * stopped with SIGTERM (then SIGKILL after a grace period).
 */
export class SupervisedProcess {
  readonly #spec: ServiceSpec;
  readonly #log: (line: string) => void;
  #child: ChildProcess | undefined;
  #stopping = false;
  #restarts = 0;

  constructor(spec: ServiceSpec) {
    this.#spec = spec;
    this.#log = prefixedLogger(spec.name);
  }

  /** The running child's pid; undefined between a crash and its restart. */
  get pid(): number | undefined {
    const child = this.#child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  start(): void {
    const child = spawnNode(this.#spec.args, this.#spec);
    this.#child = child;
    pipeLines(child, (line) => this.#log(formatLogLine(line)));
    // Last resort if the runner exits without stop() (a crash, process.exit): no service outlives it.
    const orphanGuard = () => child.kill('SIGTERM');
    process.once('exit', orphanGuard);
    const startedAt = Date.now();
    child.on('exit', (code, signal) => {
      process.removeListener('exit', orphanGuard);
      if (this.#stopping) return;
      // The backoff grows while it keeps dying at once; a process that ran a while starts over at 1 s.
      if (Date.now() - startedAt > 30_000) this.#restarts = 0;
      this.#restarts += 1;
      const delay = backoffDelay(this.#restarts, BACKOFFS.restart);
      this.#log(`exited unexpectedly (${signal ?? `code ${code}`}); restarting in ${(delay / 1000).toFixed(1)} s`);
      setTimeout(() => !this.#stopping && this.start(), delay);
    });
  }

  /** From now on an exit is expected (a terminal's Ctrl-C reaches the children at the same time as us). */
  expectExit(): void {
    this.#stopping = true;
  }

  async stop(graceMs = 15_000): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.#log(`did not stop within ${graceMs / 1000} s; killing it`);
      child.kill('SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** How a service's main.ts is run everywhere (its start script, the images, VS Code): Node's own type stripping. */
export function serviceArgs(entry: string): string[] {
  return ['--enable-source-maps', entry];
}
