// `npm start` as a person runs it (node dev/bootstrap.mjs start, its own process group, like a terminal),
// on its own data dir and free ports: ready in time, the shop and the pipeline work, killing PostgreSQL or
// Kafka gives a clear log line and the stack recovers, Ctrl-C leaves nothing behind, a second start works.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type OpsSnapshot,
  ORDER_CREATED_TOPIC,
  ORDER_PROCESSOR_GROUP,
  type TrackingResponse,
} from '@metalmart/contracts';
import { launchChromium, screenshot } from '@metalmart/test-support/browser';
import { describeMembers, parseTopicDescription } from '@metalmart/test-support/kafka-tools';
import { orderRequest } from '@metalmart/test-support/orders';
import { freeClusterPorts, freeStackPorts, waitUntil } from '@metalmart/test-support/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isListening } from '../src/ports.ts';
import { pipeLines } from '../src/processes.ts';
import { readStackSettings, repoRoot, type StackPorts } from '../src/settings.ts';

const projectData = join(repoRoot, '.data');
/** The whole runner output of the last run, kept for a look after a failure (the temp data dir is removed). */
const keptLog = join(projectData, 'start.int.test.log');

interface Runner {
  child: ChildProcess;
  lines: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first line matching `pattern` from line index `from` on. */
  waitForLine(pattern: RegExp, timeoutMs: number, from?: number): Promise<string>;
}

const transcript: string[] = [];

/** One of the project's CLIs (`npm run scale`, `npm run chaos`) against the stack on `controlPort`. */
function runCli(controlPort: number, script: string, args: string[]) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: repoRoot,
      env: { ...process.env, METALMART_CONTROL_PORT: String(controlPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

function tail(lines: string[], count = 80): string {
  return lines.slice(-count).join('\n');
}

/**
 * A stack of `npm start` of this describe block's own: a data dir and free ports made before its tests, and after
 * them the runner stopped, whatever is left of it killed and the data dir removed. `env` is added to the stack's.
 */
function useStack(extra: { env?: Record<string, string>; kafkaNodes?: number } = {}) {
  let dataDir: string;
  let ports: StackPorts;
  let runner: Runner | undefined;
  const orderServiceUrl = () => `http://127.0.0.1:${ports.PORT}`;

  function start(): Runner {
    const env: NodeJS.ProcessEnv = {};
    // Nothing external (DATABASE_URL / KAFKA_BROKERS) and no test-runner variables leak into the stack.
    const dropped = /^(VITEST|NODE_ENV$|DATABASE_URL$|KAFKA_BROKERS$|ORDER_SERVICE_TOKEN$|LOG_LEVEL$|TEST$)/;
    for (const [name, value] of Object.entries(process.env)) if (!dropped.test(name)) env[name] = value;
    Object.assign(env, {
      METALMART_DATA_DIR: dataDir,
      // The project's jars, resolved once by Maven: no download for a throwaway data dir.
      METALMART_KAFKA_JARS_DIR: readStackSettings().kafkaJarsDir,
      // Long enough that an order is still in flight when a server is killed under it; short enough to be quick.
      STAGE_DELAY_MS: '700',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      ...extra.env,
    });
    // bootstrap.mjs runs `npm ci` when package-lock.json changed since the last install; a test must not.
    const lockHash = createHash('sha256')
      .update(readFileSync(join(repoRoot, 'package-lock.json')))
      .digest('hex');
    const stamp = join(repoRoot, 'node_modules', '.metalmart-lock-hash');
    const installed = existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash;
    const args = installed ? ['dev/bootstrap.mjs', 'start'] : ['--import', 'tsx', 'dev/src/runner/start.ts'];
    // Its own process group, like a terminal's foreground job: Ctrl-C is a SIGINT to the whole group.
    // The whole environment is `env` (the test-runner variables dropped), not process.env plus it.
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const waiters = new Set<() => void>();
    const onLine = (line: string) => {
      lines.push(line);
      transcript.push(line);
      if (process.env.TEST_SERVICE_LOGS) console.log(line);
      for (const wake of waiters) wake();
    };
    pipeLines(child, onLine);
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let exited = false;
    void exit.then(() => {
      exited = true;
      for (const wake of waiters) wake();
    });
    runner = {
      child,
      lines,
      exit,
      waitForLine(pattern, timeoutMs, from = 0) {
        return new Promise((resolve, reject) => {
          const check = () => {
            const found = lines.slice(from).find((line) => pattern.test(line));
            if (found === undefined && !exited) return;
            waiters.delete(check);
            clearTimeout(timer);
            if (found !== undefined) resolve(found);
            else reject(new Error(`npm start exited before printing ${pattern}:\n${tail(lines)}`));
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`no line matching ${pattern} within ${timeoutMs / 1000} s:\n${tail(lines)}`));
          }, timeoutMs);
          waiters.add(check);
          check();
        });
      },
    };
    return runner;
  }

  /** Ctrl-C: SIGINT to the whole process group. */
  async function interrupt(r: Runner, timeoutMs: number) {
    process.kill(-(r.child.pid as number), 'SIGINT');
    return Promise.race([r.exit, sleep(timeoutMs, 'timeout' as const, { ref: false })]);
  }

  /** Every process that belongs to this test's stack: data dir in its command line, environment or working dir. */
  async function processesOfTheStack(): Promise<string[]> {
    const found: string[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      const read = async (what: string) =>
        (await readFile(`/proc/${entry}/${what}`).catch(() => Buffer.alloc(0))).toString();
      const cmdline = (await read('cmdline')).replaceAll('\0', ' ').trim();
      const environ = await read('environ');
      const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
      if (cmdline.includes(dataDir) || environ.includes(`METALMART_DATA_DIR=${dataDir}\0`) || cwd.startsWith(dataDir)) {
        found.push(`${entry} ${cmdline || '(exited)'}`);
      }
    }
    return found.filter((p) => !p.endsWith('(exited)'));
  }

  async function trackingStatus(token: string): Promise<string> {
    const response = await fetch(`${orderServiceUrl()}/api/orders/track/${token}`);
    if (!response.ok) throw new Error(`GET /api/orders/track → ${response.status}`);
    return ((await response.json()) as TrackingResponse).status;
  }

  /** Places an order with the Order Service (retrying a 503 while a server is still coming back). */
  async function placeOrderWhenAccepted(timeoutMs = 30_000): Promise<{ id: string; trackingToken: string }> {
    let order: { id: string; trackingToken: string } | undefined;
    await waitUntil(
      'the Order Service to accept an order',
      async () => {
        const response = await fetch(`${orderServiceUrl()}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(orderRequest()),
          signal: AbortSignal.timeout(10_000),
        });
        if (response.status !== 201) throw new Error(`POST /api/orders → ${response.status}: ${await response.text()}`);
        order = (await response.json()) as { id: string; trackingToken: string };
        return true;
      },
      timeoutMs,
      500,
    );
    return order as { id: string; trackingToken: string };
  }

  async function orderShips(timeoutMs = 60_000): Promise<number> {
    const began = Date.now();
    const order = await placeOrderWhenAccepted();
    await waitUntil(
      `order ${order.id} shipped`,
      async () => (await trackingStatus(order.trackingToken)) === 'shipped',
      timeoutMs,
    );
    return Date.now() - began;
  }

  beforeAll(async () => {
    await mkdir(projectData, { recursive: true });
    dataDir = await mkdtemp(join(projectData, 'test-start-'));
    // As root PostgreSQL runs as the OS user `postgres`, which must be able to reach <dataDir>/postgres.
    await chmod(dataDir, 0o755);
    ports = await freeStackPorts();
    // A cluster's nodes take the ports after the first node's (dev/src/servers/kafka.ts): all must be free.
    const kafka = await freeClusterPorts(extra.kafkaNodes ?? 1);
    ports.METALMART_KAFKA_PORT = kafka.port;
    ports.METALMART_KAFKA_CONTROLLER_PORT = kafka.controllerPort;
  });

  afterAll(async () => {
    await writeFile(keptLog, `${transcript.join('\n')}\n`).catch(() => {});
    if (runner && runner.child.exitCode === null && runner.child.signalCode === null) {
      if ((await interrupt(runner, 40_000)) === 'timeout') process.kill(-(runner.child.pid as number), 'SIGKILL');
    }
    // Whatever is left of this test's stack (only processes carrying its own data dir).
    for (const line of dataDir ? await processesOfTheStack() : []) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {}
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  return {
    start,
    interrupt,
    processesOfTheStack,
    trackingStatus,
    placeOrderWhenAccepted,
    orderShips,
    orderServiceUrl,
    get ports() {
      return ports;
    },
    get dataDir() {
      return dataDir;
    },
    /** The runner of the last start(). */
    get runner(): Runner {
      if (!runner) throw new Error('not started');
      return runner;
    },
  };
}

describe('npm start (dev/bootstrap.mjs start) on its own data dir and ports', () => {
  const stackRun = useStack();
  const { start, interrupt, processesOfTheStack, trackingStatus, placeOrderWhenAccepted, orderShips, orderServiceUrl } =
    stackRun;
  let runner: Runner | undefined;

  it('prints the ready line within 90 s, serves the shop and ships an order', async () => {
    const began = Date.now();
    runner = start();
    const ready = await runner.waitForLine(/\[metalmart\] ready in \d+ s/, 90_000);
    console.log(`first start: "${ready}" after ${Math.round((Date.now() - began) / 1000)} s`);
    expect(runner.lines.join('\n')).toContain(`http://127.0.0.1:${stackRun.ports.FRONTEND_PORT}/`);

    const shop = await fetch(`http://127.0.0.1:${stackRun.ports.FRONTEND_PORT}/`);
    expect(shop.status).toBe(200);
    expect(shop.headers.get('content-type')).toMatch(/text\/html/);
    expect(await shop.text()).toMatch(/<html/i);
    // The dev server proxies /api to the Order Service, which reads the catalog from PostgreSQL.
    const products = await fetch(`http://127.0.0.1:${stackRun.ports.FRONTEND_PORT}/api/products`);
    expect(products.status).toBe(200);
    expect(JSON.stringify(await products.json())).toContain('anvil-classic');

    console.log(`order shipped in ${await orderShips()} ms`);
  }, 150_000);

  it('npm run scale: instances join and leave the group (kafka-consumer-groups and the ops API agree)', async () => {
    if (!runner) throw new Error('not started');
    const scale = (count: string) => runCli(stackRun.ports.METALMART_CONTROL_PORT, 'dev/src/cli/scale-cli.ts', [count]);
    const brokers = `127.0.0.1:${stackRun.ports.METALMART_KAFKA_PORT}`;
    const shop = `http://127.0.0.1:${stackRun.ports.FRONTEND_PORT}`;
    const members = async () => (await describeMembers(brokers, ORDER_PROCESSOR_GROUP)).map((m) => m.clientId).sort();
    const owners = async () => {
      const snapshot = (await (await fetch(`${shop}/api/ops/snapshot`)).json()) as OpsSnapshot;
      return new Set(snapshot.partitions.map((p) => p.owner));
    };

    const up = await scale('3');
    expect(up.code, up.output).toBe(0);
    expect(up.output).toMatch(/3 processor instance\(s\)[\s\S]*processor-3/);
    await waitUntil('three members', async () => (await members()).length === 3, 60_000);
    expect(await members()).toEqual([
      'order-processor-processor',
      'order-processor-processor-2',
      'order-processor-processor-3',
    ]);
    await waitUntil('the ops page sees three owners', async () => (await owners()).size === 3, 30_000);
    const stack = (await (await fetch(`${shop}/stack/processors`)).json()) as { desired: number };
    expect(stack.desired).toBe(3);
    console.log(`a new order shipped with three instances in ${await orderShips()} ms`);

    const down = await scale('1');
    expect(down.code, down.output).toBe(0);
    await waitUntil('one member', async () => (await members()).length === 1, 60_000);
    await waitUntil('the ops page sees one owner', async () => (await owners()).size === 1, 30_000);
    const refused = await scale('99');
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('from 0 to 16');
  }, 150_000);

  it("the fault lab through the page's /stack: load at a rate, a processor paused and resumed, a green verdict", async () => {
    if (!runner) throw new Error('not started');
    const shop = `http://127.0.0.1:${stackRun.ports.FRONTEND_PORT}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${shop}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect((await call('PUT', '/stack/load', { rate: 10 })).body.running).toBe(true);
    const paused = await call('POST', '/stack/faults/pause-processor', { seconds: 4 });
    expect(paused.status).toBe(200);
    expect(paused.body.endedAt).toBeNull();
    expect((await call('POST', '/stack/faults/pause-processor')).status).toBe(409); // one at a time
    await waitUntil(
      'the pause ended by itself',
      async () => {
        const { body } = await call('GET', '/stack/faults');
        return (body.timeline as { endedAt: string | null }[]).every((e) => e.endedAt !== null);
      },
      20_000,
    );
    expect((await call('DELETE', '/stack/load')).body.running).toBe(false);
    const accepted = (await call('GET', '/stack/load')).body;
    expect(accepted.running).toBe(false);
    await waitUntil(
      'every order shipped, the verdict green',
      async () => {
        const { body } = await call('GET', '/stack/verdict');
        return body.green === true && body.accepted === (body.byStatus as { shipped: number }).shipped;
      },
      90_000,
      1000,
    );
    const verdict = (await call('GET', '/stack/verdict')).body;
    expect(verdict.accepted as number).toBeGreaterThan(20);
    expect(verdict.sentence).toMatch(
      /^Nothing lost: \d+ accepted, \d+ shipped, 0 in the outbox, 0 on the topic, 0 in a stage\.$/,
    );
  }, 150_000);

  it('the fault lab in a real browser: load, a processor paused, lag up with the verdict green, resumed, the broker stopped', async () => {
    if (!runner) throw new Error('not started');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
      await page.goto(`http://127.0.0.1:${stackRun.ports.FRONTEND_PORT}/ops`);
      const lab = page.getByRole('region', { name: 'Fault lab' });
      const verdict = page.getByTestId('verdict');
      const totalLag = async () =>
        (await page.locator('[data-testid="partitions-table"] tbody tr td:nth-child(5)').allTextContents()).reduce(
          (sum, text) => sum + Number(text),
          0,
        );
      await lab.getByLabel('Orders a second').fill('10');
      await lab.getByRole('button', { name: 'Start load' }).click();
      await expect
        .poll(() => lab.getByTestId('load-rates').textContent(), { timeout: 15_000 })
        .toMatch(/accepted [1-9]\d*\/s/);
      await lab.getByRole('button', { name: 'Pause processor' }).click();
      await expect.poll(totalLag, { timeout: 20_000 }).toBeGreaterThan(10);
      expect(await verdict.getAttribute('data-verdict')).toBe('green');
      await expect.poll(() => verdict.textContent(), { timeout: 10_000 }).toMatch(/[1-9]\d* on the topic/);
      await screenshot(page, 'lab-01-paused');
      await lab.getByRole('button', { name: 'End pause processor' }).click();
      await lab.getByRole('button', { name: 'Stop broker' }).click();
      await sleep(4000);
      await lab.getByRole('button', { name: 'End stop broker' }).click();
      await lab.getByRole('button', { name: 'Stop load' }).click();
      await expect.poll(totalLag, { timeout: 90_000, interval: 1000 }).toBe(0);
      await expect
        .poll(() => verdict.textContent(), { timeout: 60_000 })
        .toMatch(/0 in the outbox, 0 on the topic, 0 in a stage/);
      expect(await verdict.getAttribute('data-verdict')).toBe('green');
      expect(await page.getByRole('list', { name: 'Fault timeline' }).textContent()).toContain(
        'stop-broker on broker pid',
      );
      await screenshot(page, 'lab-02-drained');
      await page.screenshot({ path: join(repoRoot, 'docs', 'images', 'fault-lab.png') });
    } finally {
      await browser.close();
    }
  }, 240_000);

  it('PostgreSQL killed (SIGKILL): a clear log line, it comes back, orders ship again', async () => {
    if (!runner) throw new Error('not started');
    const from = runner.lines.length;
    // An order in flight: the processor's next status update meets the outage and must be retried, not lost.
    const inFlight = await placeOrderWhenAccepted();
    await waitUntil(
      'order processing',
      async () => (await trackingStatus(inFlight.trackingToken)) !== 'pending',
      10_000,
      50,
    );
    const pid = Number((await readFile(join(stackRun.dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    const killed = Date.now();
    // While it is down the Order Service answers 503 (it does not crash).
    await waitUntil(
      'PostgreSQL port closed',
      async () => !(await isListening(stackRun.ports.METALMART_PG_PORT)),
      10_000,
      50,
    );
    // Tracking reads PostgreSQL every time (the catalog would come from its cache): a 503, not a 500 or a crash.
    const whileDown = await fetch(`${orderServiceUrl()}/api/orders/track/${inFlight.trackingToken}`);
    console.log(`GET /api/orders/track while PostgreSQL is down → ${whileDown.status}`);
    if (await isListening(stackRun.ports.METALMART_PG_PORT)) {
      expect([200, 503], 'the watchdog had PostgreSQL back during the request').toContain(whileDown.status);
    } else {
      expect(whileDown.status).toBe(503);
    }

    console.log(await runner.waitForLine(/\[watchdog\] PostgreSQL is down/, 15_000, from));
    console.log(await runner.waitForLine(/\[watchdog\] PostgreSQL is back/, 60_000, from));
    console.log(`PostgreSQL back after ${Date.now() - killed} ms`);
    await waitUntil(
      'the order in flight during the outage shipped',
      async () => (await trackingStatus(inFlight.trackingToken)) === 'shipped',
      60_000,
    );
    const retries = runner.lines.slice(from).filter((line) => /\[processor\].*retry/.test(line));
    console.log(`in-flight order shipped; the processor retried ${retries.length}×:\n${retries.join('\n')}`);
    console.log(`a new order shipped in ${await orderShips()} ms`);
    const after = runner.lines.slice(from).join('\n');
    expect(after).not.toMatch(/exited unexpectedly/);
  }, 150_000);

  it('Kafka killed (SIGKILL): a clear log line, it comes back, orders ship again', async () => {
    if (!runner) throw new Error('not started');
    const from = runner.lines.length;
    const java = (await processesOfTheStack()).filter((p) => /\bjava\b.*kafka\.Kafka/.test(p));
    expect(java).toHaveLength(1);
    process.kill(Number(java[0]?.split(' ')[0]), 'SIGKILL');
    const killed = Date.now();
    console.log(await runner.waitForLine(/\[watchdog\] Kafka is down/, 15_000, from));
    // Orders are still accepted while Kafka is down: they wait in the outbox.
    const whileDown = await placeOrderWhenAccepted(15_000);
    console.log(await runner.waitForLine(/\[watchdog\] Kafka is back/, 90_000, from));
    console.log(`Kafka back after ${Date.now() - killed} ms`);
    await waitUntil(
      'the order placed while Kafka was down shipped',
      async () => (await trackingStatus(whileDown.trackingToken)) === 'shipped',
      90_000,
    );
    console.log(`order placed while Kafka was down shipped ${Date.now() - killed} ms after the kill`);
    console.log(`a new order shipped in ${await orderShips()} ms`);
    const after = runner.lines.slice(from).join('\n');
    // No service crashed: they waited for Kafka (the processor re-subscribes by itself).
    expect(after).not.toMatch(/exited unexpectedly/);
  }, 210_000);

  it('npm run chaos -- --minutes 2: faults at random under load, and nothing lost', async () => {
    if (!runner) throw new Error('not started');
    const chaos = await runCli(stackRun.ports.METALMART_CONTROL_PORT, 'dev/src/lab/chaos-cli.ts', [
      '--minutes',
      '2',
      '--seed',
      '20261205',
      '--rate',
      '15',
    ]);
    console.log(chaos.output);
    expect(chaos.code, chaos.output).toBe(0);
    const faults = chaos.output.split('\n').filter((line) => /^chaos: \+ *[\d.]+ s {2}[a-z-]+ on /.test(line));
    expect(faults.length).toBeGreaterThanOrEqual(5);
    const last = chaos.output.trim().split('\n').at(-1) ?? '';
    const figures =
      /^chaos: accepted (\d+), shipped (\d+), lost 0, out-of-order 0, dead-lettered 0, slowest [\d.]+ s$/.exec(last);
    expect(figures, last).not.toBeNull();
    expect(Number(figures?.[1])).toBeGreaterThan(500);
    expect(figures?.[2]).toBe(figures?.[1]);
  }, 420_000);

  it('Ctrl-C stops everything: exit code 0, no process and no port left', async () => {
    if (!runner) throw new Error('not started');
    const began = Date.now();
    const exit = await interrupt(runner, 40_000);
    console.log(`stopped in ${Date.now() - began} ms: ${JSON.stringify(exit)}`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await processesOfTheStack()).toEqual([]);
    for (const [name, port] of Object.entries(stackRun.ports))
      expect(await isListening(port), `${name} ${port}`).toBe(false);
  }, 60_000);

  it('a second start on the same data dir works (data kept); SIGTERM to the launcher alone stops it all', async () => {
    const began = Date.now();
    runner = start();
    const ready = await runner.waitForLine(/\[metalmart\] ready in \d+ s/, 90_000);
    console.log(`second start: "${ready}" after ${Math.round((Date.now() - began) / 1000)} s`);
    expect(runner.lines.join('\n')).not.toMatch(/initialising a new cluster|formatting new KRaft storage/);
    console.log(`order shipped in ${await orderShips()} ms`);

    // This time SIGTERM to the launcher alone (`kill <pid>`, a process manager): nothing else gets a signal
    // from outside, the runner's own shutdown has to stop every process.
    const stopping = Date.now();
    runner.child.kill('SIGTERM');
    const exit = await Promise.race([runner.exit, sleep(40_000, 'timeout' as const, { ref: false })]);
    console.log(`stopped by SIGTERM in ${Date.now() - stopping} ms: ${JSON.stringify(exit)}`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await processesOfTheStack()).toEqual([]);
    for (const [name, port] of Object.entries(stackRun.ports))
      expect(await isListening(port), `${name} ${port}`).toBe(false);
  }, 180_000);
});

describe('KAFKA_NODES=3 npm start: a three-broker cluster on this machine', () => {
  const stackRun = useStack({ env: { KAFKA_NODES: '3' }, kafkaNodes: 3 });
  const kafkaJava = async () => (await stackRun.processesOfTheStack()).filter((p) => /\bjava\b.*kafka\.Kafka/.test(p));

  it('comes up, ships an order, and kafka-topics shows factor 3, min ISR 2 and leaders on all three', async () => {
    const runner = stackRun.start();
    console.log(await runner.waitForLine(/\[metalmart\] ready in \d+ s/, 180_000));
    expect(await kafkaJava()).toHaveLength(3);
    console.log(`order shipped in ${await stackRun.orderShips()} ms`);
    // `npm run kafka` as a person runs it next to the stack: the same variables, nothing else.
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'dev/src/cli/kafka-cli.ts', 'topics', '--describe', '--topic', ORDER_CREATED_TOPIC],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: {
          ...process.env,
          KAFKA_NODES: '3',
          METALMART_KAFKA_PORT: String(stackRun.ports.METALMART_KAFKA_PORT),
          METALMART_KAFKA_CONTROLLER_PORT: String(stackRun.ports.METALMART_KAFKA_CONTROLLER_PORT),
          METALMART_KAFKA_JARS_DIR: readStackSettings().kafkaJarsDir,
        },
      },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const described = parseTopicDescription(cli.stdout);
    expect(described.replicationFactor).toBe(3);
    expect(described.configs['min.insync.replicas']).toBe('2');
    expect(new Set(described.partitions.map((p) => p.leader))).toEqual(new Set([1, 2, 3]));
  }, 240_000);

  it('a node killed -9: the watchdog says which, starts it again, and orders ship all along', async () => {
    const runner = stackRun.runner;
    const from = runner.lines.length;
    const [victim] = (await kafkaJava()).filter((p) => p.includes('node2'));
    expect(victim).toBeDefined();
    process.kill(Number(victim?.split(' ')[0]), 'SIGKILL');
    console.log(await runner.waitForLine(/\[watchdog\] Kafka node 2 is down/, 15_000, from));
    console.log(`an order shipped with node 2 down in ${await stackRun.orderShips()} ms`);
    console.log(await runner.waitForLine(/\[watchdog\] Kafka node 2 is back/, 120_000, from));
    expect(await kafkaJava()).toHaveLength(3);
    expect(runner.lines.slice(from).join('\n')).not.toMatch(/exited unexpectedly/);
  }, 210_000);

  it('Ctrl-C stops all three nodes and everything else', async () => {
    const exit = await stackRun.interrupt(stackRun.runner, 60_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await stackRun.processesOfTheStack()).toEqual([]);
  }, 90_000);
});
