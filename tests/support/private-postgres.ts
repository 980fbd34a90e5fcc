import { execFileSync } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { startPostgres } from '@metalmart/dev/postgres';
import { readStackSettings } from '@metalmart/dev/settings';
import pg from 'pg';
import { freePort } from './processes.ts';

/** The postmaster's children (backends, WAL writer, checkpointer…): none when it has none. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split(/\s+/)
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * A real PostgreSQL of one test's own (own port, own data, the project's binaries), for tests that crash, freeze
 * or restart the database without disturbing the shared server the other tests use.
 */
export async function startPrivatePostgres() {
  const dataDir = await mkdtemp(join(readStackSettings().dataDir, 'test-postgres-'));
  const port = await freePort();
  const start = () => startPostgres({ dataDir, port, log: () => {} });
  let server = await start();
  const postmaster = () => {
    if (server.pid === undefined) throw new Error('this PostgreSQL was not started by the test');
    return server.pid;
  };
  const signalAll = (signal: NodeJS.Signals) => {
    const pid = postmaster();
    // Stopped first, the postmaster cannot fork new backends while its children are being stopped.
    if (signal === 'SIGSTOP') process.kill(pid, signal);
    for (const child of childrenOf(pid)) process.kill(child, signal);
    if (signal === 'SIGCONT') process.kill(pid, signal);
  };
  return {
    url: server.url,
    adminUrl: server.adminUrl,
    /** SIGSTOP on every postgres process: connections stay open, nothing answers (a storage stall, a failover). */
    freeze: () => signalAll('SIGSTOP'),
    thaw: () => signalAll('SIGCONT'),
    /**
     * kill -9 one client backend (of `database`): the postmaster then ends every session, as after any backend
     * crash, and recovers. Resolves with the killed process id.
     */
    async crashBackend(database = 'metalmart'): Promise<number> {
      const admin = new pg.Client({ connectionString: server.adminUrl });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = $1 LIMIT 1",
          [database],
        );
        const pid = rows[0]?.pid;
        if (pid === undefined) throw new Error(`no session on ${database} to crash`);
        process.kill(pid, 'SIGKILL');
        return pid;
      } finally {
        await admin.end().catch(() => {});
      }
    },
    /** A fast shutdown (every session ended, a checkpoint) and a start on the same data and port. */
    async restart() {
      await server.stop();
      server = await start();
    },
    async destroy() {
      if (server.pid !== undefined) signalAll('SIGCONT');
      await server.stop();
      // The data may live in a folder the postgres user can enter, linked from the data dir.
      const linked = await realpath(join(dataDir, 'postgres')).catch(() => undefined);
      if (linked && !linked.startsWith(dataDir)) await rm(dirname(linked), { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
