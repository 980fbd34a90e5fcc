// A real OTLP trace viewer without Docker: Jaeger v2, built from the Go module proxy through the tools
// module in dev/jaeger (its go.mod/go.sum pin Jaeger and every dependency), in-memory storage.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpOk, isListening, waitFor } from '../ports.ts';
import { pipeLines } from '../processes.ts';
import { repoRoot } from '../settings.ts';
import { binDir, ensureGoProgram, type GoProgram } from '../tools/go-tool.ts';

const moduleDir = join(repoRoot, 'dev', 'jaeger');
const jaegerConfig = join(moduleDir, 'config.yaml');
const jaegerBinary = join(binDir, 'jaeger');

export interface RunningJaeger {
  /** Base URL of the OTLP/HTTP receiver: exporters post to `<otlpEndpoint>/v1/traces`. */
  otlpEndpoint: string;
  /** The UI; its query API is under `<uiUrl>/api/`. */
  uiUrl: string;
  pid?: number;
  stop(): Promise<void>;
}

function jaegerProgram(): GoProgram {
  // The tools module is the version: bumping Jaeger (or any dependency) in go.mod/go.sum rebuilds the binary.
  const stamp = createHash('sha256')
    .update(readFileSync(join(moduleDir, 'go.mod')))
    .update(readFileSync(join(moduleDir, 'go.sum')))
    .digest('hex');
  return {
    name: 'Jaeger',
    binary: jaegerBinary,
    neededFor: 'as the local trace viewer',
    source: { moduleDir, package: 'github.com/jaegertracing/jaeger/cmd/jaeger' },
    stamp,
  };
}

/** Returns the path of the Jaeger binary, building it first (minutes on a cold Go cache) if missing or stale. */
export function ensureJaeger(log: (line: string) => void): Promise<string> {
  return ensureGoProgram(jaegerProgram(), log);
}

/**
 * Starts Jaeger with dev/jaeger/config.yaml on the given ports (127.0.0.1 only) and waits until its UI
 * answers. Traces live in memory: they are gone when it stops.
 */
export async function startJaeger(opts: {
  otlpHttpPort: number;
  uiPort: number;
  log: (line: string) => void;
}): Promise<RunningJaeger> {
  for (const port of [opts.otlpHttpPort, opts.uiPort]) {
    // Jaeger would only log a bind error and exit; this says which setting to change.
    if (await isListening(port)) throw new Error(`port ${port} is in use; Jaeger needs it free`);
  }
  const binary = await ensureJaeger(opts.log);
  const otlpEndpoint = `http://127.0.0.1:${opts.otlpHttpPort}`;
  const uiUrl = `http://127.0.0.1:${opts.uiPort}`;
  const child = spawn(binary, ['--config', jaegerConfig], {
    cwd: repoRoot,
    env: {
      ...process.env,
      JAEGER_LISTEN_HOST: '127.0.0.1',
      JAEGER_OTLP_HTTP_PORT: String(opts.otlpHttpPort),
      JAEGER_UI_PORT: String(opts.uiPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  pipeLines(child, opts.log);
  // Last resort if this process exits without stop() (a crash, process.exit): Jaeger must not outlive it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  let running = true;
  const exited = new Promise<void>((resolve) =>
    child.once('close', () => {
      running = false;
      process.removeListener('exit', orphanGuard);
      resolve();
    }),
  );
  child.once('error', (error) => {
    running = false;
    opts.log(`could not run ${binary}: ${error.message}`);
  });
  try {
    // The receiver too: the UI can be up a moment before the OTLP receiver, and callers send at once.
    await waitFor(
      `Jaeger (UI ${uiUrl}, OTLP ${otlpEndpoint})`,
      async () => (await httpOk(uiUrl)) && (await isListening(opts.otlpHttpPort)),
      60_000,
      () => running,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Jaeger did not start: ${(error as Error).message}; see its log above`);
  }
  return {
    otlpEndpoint,
    uiUrl,
    pid: child.pid,
    stop: async () => {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
