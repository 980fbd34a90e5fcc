// PostgreSQL faults by signals, for the fault lab and the tests' private servers: every postgres process stopped
// (a storage stall, a failover), and one backend killed -9 (the postmaster then ends every session and recovers).
import { execFileSync } from 'node:child_process';
import pg from 'pg';

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split(/\s+/)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

/** SIGSTOP or SIGCONT to the postmaster `pid` and all its children. */
export function signalPostgres(pid: number, signal: 'SIGSTOP' | 'SIGCONT'): void {
  // Stopped first, the postmaster cannot fork new backends while its children are being stopped.
  if (signal === 'SIGSTOP') process.kill(pid, signal);
  for (const child of childrenOf(pid)) process.kill(child, signal);
  if (signal === 'SIGCONT') process.kill(pid, signal);
}

/** kill -9 one client backend of `database`; resolves with its process id. */
export async function crashBackend(adminUrl: string, database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = $1 AND pid <> pg_backend_pid() LIMIT 1",
      [database],
    );
    const pid = rows[0]?.pid;
    if (pid === undefined) throw new Error(`no session on ${database} to crash`);
    process.kill(pid, 'SIGKILL');
    return pid;
  } finally {
    await admin.end().catch(() => {});
  }
}
