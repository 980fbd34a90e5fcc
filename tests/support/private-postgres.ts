import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crashBackend, signalPostgres } from '@metalmart/dev/lab/postgres-faults';
import { startPostgres } from '@metalmart/dev/servers/postgres';
import { readStackSettings } from '@metalmart/dev/settings';
import { freePort } from './processes.ts';

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
  const signalAll = (signal: 'SIGSTOP' | 'SIGCONT') => signalPostgres(postmaster(), signal);
  return {
    url: server.url,
    adminUrl: server.adminUrl,
    /** The postmaster's process id. */
    get pid() {
      return postmaster();
    },
    /** SIGSTOP on every postgres process: connections stay open, nothing answers (a storage stall, a failover). */
    freeze: () => signalAll('SIGSTOP'),
    thaw: () => signalAll('SIGCONT'),
    /**
     * kill -9 one client backend (of `database`): the postmaster then ends every session, as after any backend
     * crash, and recovers. Resolves with the killed process id.
     */
    crashBackend: (database = 'metalmart'): Promise<number> => crashBackend(server.adminUrl, database),
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
