// `npm run load` against a real Order Service on the real PostgreSQL and Kafka: the orders it reports accepted
// are in the database, valid and varied (products, quantities, the demo address for some), its last line says
// what happened, and bad arguments are refused with the usage.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, createTestTopic, kafkaBrokers } from '@metalmart/test-support/infra';
import { startOrderService } from '@metalmart/test-support/processes';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMAIL } from '../src/lab/load.ts';
import { repoRoot } from '../src/settings.ts';

const cli = join(repoRoot, 'dev', 'src', 'lab', 'load-cli.ts');
let service: Awaited<ReturnType<typeof startOrderService>>;
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  service = await startOrderService({
    databaseUrl,
    kafkaBrokers: kafkaBrokers(),
    topic: await createTestTopic('load'),
  });
});
afterAll(() => service?.stop());

const runCli = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });

describe('npm run load', () => {
  it('places realistic orders at the asked rate and says what was accepted', async () => {
    const run = await runCli(['--rate', '20', '--seconds', '3', '--url', service.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const last = /load: (\d+) accepted in ([\d.]+) s .*, 0 refused$/m.exec(run.stdout);
    expect(last, run.stdout).not.toBeNull();
    const accepted = Number(last?.[1]);
    expect(accepted).toBeGreaterThanOrEqual(50); // 20/s for 3 s, less the first tick
    expect(accepted).toBeLessThanOrEqual(61);
    const db = new pg.Pool({ connectionString: databaseUrl });
    try {
      const orders = await db.query<{ email: string; lines: number; quantity: number }>(
        `SELECT o.customer_email AS email, count(*)::int AS lines, max(i.quantity)::int AS quantity
           FROM orders o JOIN order_items i ON i.order_id = o.id GROUP BY o.id, o.customer_email`,
      );
      expect(orders.rows).toHaveLength(accepted);
      expect(orders.rows.some((o) => o.email === DEMO_EMAIL)).toBe(true);
      expect(orders.rows.some((o) => o.email !== DEMO_EMAIL)).toBe(true);
      expect(new Set(orders.rows.map((o) => o.lines)).size).toBeGreaterThan(1);
      expect(new Set(orders.rows.map((o) => o.quantity)).size).toBeGreaterThan(1);
    } finally {
      await db.end();
    }
  });

  it('refuses a missing or bad rate with the usage, and says when no stack answers', async () => {
    for (const args of [[], ['--rate', '0'], ['--rate', 'fast'], ['--rate', '5', '--seconds', '-1']]) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('usage: npm run load -- --rate');
    }
    const none = await runCli(['--rate', '5', '--url', 'http://127.0.0.1:1']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('does not answer');
  });
});
