// PostgreSQL fails under the running pipeline: a backend killed -9 while the relay holds its claim transaction
// open (the broker frozen), every postgres process frozen for 40 s, a fast restart. Orders are placed throughout;
// every 201 must ship with its exact history, nothing may answer 500 or hang, no order is dead-lettered, and no
// service restarts.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitEveryOrderShipped, placeOrdersContinuously } from './support/fleet.ts';
import { createTopicOn, uniqueName } from './support/infra.ts';
import { startPrivateKafka } from './support/private-kafka.ts';
import { startPrivatePostgres } from './support/private-postgres.ts';
import { type ServiceProcess, startOrderService, startProcessor, waitUntil } from './support/processes.ts';

let kafka: Awaited<ReturnType<typeof startPrivateKafka>>;
let postgres: Awaited<ReturnType<typeof startPrivatePostgres>>;
let topic: string;
let orderService: ServiceProcess;
const processors: ServiceProcess[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  [kafka, postgres] = await Promise.all([startPrivateKafka(), startPrivatePostgres()]);
  topic = uniqueName('postgres-faults');
  await createTopicOn(kafka.brokers, topic, 6);
  orderService = await startOrderService({
    databaseUrl: postgres.url,
    kafkaBrokers: kafka.brokers,
    topic,
    env: { DATABASE_TIMEOUT_MS: '2000' },
  });
  const groupId = uniqueName('postgres-faults-group');
  for (const instance of ['pg-faults-1', 'pg-faults-2'])
    processors.push(
      await startProcessor({
        kafkaBrokers: kafka.brokers,
        topic,
        groupId,
        orderServiceUrl: orderService.url,
        instance,
        env: { PROCESSOR_MAX_ATTEMPTS: '3' },
      }),
    );
});
afterAll(async () => {
  await Promise.all([...processors.map((p) => p.stop()), orderService?.stop()]);
  await Promise.all([kafka?.destroy(), postgres?.destroy()]);
});

/** The Order Service's sessions on the database, with what each is doing. */
async function sessions(): Promise<{ pid: number; state: string; query: string }[]> {
  const admin = new pg.Client({ connectionString: postgres.adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      "SELECT pid, state, query FROM pg_stat_activity WHERE datname = 'metalmart' AND pid <> pg_backend_pid()",
    );
    return rows;
  } finally {
    await admin.end();
  }
}

/** Every 201 shipped with its exact history; no 500, no dead letter, every service still the first process. */
async function expectEveryAcceptedOrderShipped(
  run: Awaited<ReturnType<ReturnType<typeof placeOrdersContinuously>['stop']>>,
) {
  const { accepted, answers } = run;
  expect(accepted.length).toBeGreaterThan(20);
  expect(answers[500] ?? 0).toBe(0);
  expect(run.withoutRetryAfter).toBe(0);
  expect(await awaitEveryOrderShipped(postgres.url, accepted)).toEqual([]);
  for (const service of [orderService, ...processors]) {
    expect(service.child.exitCode).toBeNull();
    expect(service.logs.filter((line) => line.includes('dead-letter topic'))).toEqual([]);
  }
}

describe('the pipeline while PostgreSQL fails', () => {
  it('a backend killed -9 while the relay holds its claim transaction open (broker frozen): nothing crashes, every order ships', async () => {
    const shoppers = placeOrdersContinuously(orderService.url);
    await sleep(3000);
    kafka.pause();
    // The relay claims the new rows and waits on the frozen broker inside its transaction.
    let claim: { pid: number } | undefined;
    await waitUntil(
      "the relay's claim transaction open",
      async () => {
        claim = (await sessions()).find(
          (s) => s.state === 'idle in transaction' && /FOR UPDATE SKIP LOCKED/.test(s.query),
        );
        return claim !== undefined;
      },
      30_000,
      100,
    );
    process.kill((claim as { pid: number }).pid, 'SIGKILL'); // the postmaster then ends every session and recovers
    await sleep(3000);
    kafka.resume();
    await sleep(6000);
    const run = await shoppers.stop();
    console.log('backend killed during the claim:', { accepted: run.accepted.length, answers: run.answers });
    await expectEveryAcceptedOrderShipped(run);
  });

  it('every postgres process frozen for 40 s: requests are answered within seconds (503 + Retry-After), then every order ships', async () => {
    const shoppers = placeOrdersContinuously(orderService.url);
    await sleep(3000);
    postgres.freeze();
    await sleep(40_000);
    postgres.thaw();
    await sleep(8000);
    const run = await shoppers.stop();
    console.log('PostgreSQL frozen 40 s:', {
      accepted: run.accepted.length,
      answers: run.answers,
      slowestMs: run.slowestMs,
    });
    expect(run.answers[503]).toBeGreaterThan(0);
    // DATABASE_TIMEOUT_MS=2000: a connection wait or a statement, then the client's own margin.
    expect(run.slowestMs).toBeLessThan(8000);
    await expectEveryAcceptedOrderShipped(run);
  });

  it('a fast restart (every session ended, a checkpoint, started again): 503s meanwhile, then every order ships', async () => {
    const shoppers = placeOrdersContinuously(orderService.url);
    await sleep(3000);
    await postgres.restart();
    await sleep(6000);
    const run = await shoppers.stop();
    console.log('PostgreSQL restarted:', { accepted: run.accepted.length, answers: run.answers });
    await expectEveryAcceptedOrderShipped(run);
  });
});
