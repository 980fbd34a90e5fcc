// Real child processes of the services, for the tests where process boundaries matter (kill -9, several
// instances, a service that goes away).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pipeLines, serviceArgs, spawnNode } from '@metalmart/dev/processes';
import { repoRoot, STACK_PORT_VARIABLES, type StackPorts } from '@metalmart/dev/settings';

export const testToken = randomBytes(24).toString('hex');

export interface ServiceProcess {
  url: string;
  logs: string[];
  child: ChildProcess;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown code runs. */
  kill9(): Promise<void>;
}

/** A child process whose output lines are kept (and echoed with TEST_SERVICE_LOGS=1). */
function spawnTracked(name: string, args: string[], options: { cwd: string; env: Record<string, string> }) {
  const child = spawnNode(args, options);
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = (onLine: (line: string) => void) => pipeLines(child, onLine);
  lines((line) => {
    logs.push(line);
    if (process.env.TEST_SERVICE_LOGS) console.log(`[${name}] ${line}`);
  });
  const handle = {
    logs,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
  return { handle, exited, lines };
}

async function startService(entry: string, env: Record<string, string>, listening: RegExp): Promise<ServiceProcess> {
  const { handle, exited, lines } = spawnTracked(entry.split('/')[1] ?? entry, serviceArgs(entry), {
    cwd: repoRoot,
    env: { LOG_LEVEL: 'info', ...env },
  });
  const url = await new Promise<string>((resolve, reject) => {
    lines((line) => {
      const match = listening.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) =>
      reject(new Error(`${entry} exited with ${code} before listening:\n${handle.logs.join('\n')}`)),
    );
  });
  return { url, ...handle };
}

export function startOrderService(env: {
  databaseUrl: string;
  kafkaBrokers: string;
  topic: string;
  port?: number;
  /** Any other variable of the Order Service (e.g. OTEL_EXPORTER_OTLP_ENDPOINT). */
  env?: Record<string, string>;
}) {
  return startService(
    'services/order/src/main.ts',
    {
      DATABASE_URL: env.databaseUrl,
      KAFKA_BROKERS: env.kafkaBrokers,
      KAFKA_TOPIC: env.topic,
      ORDER_SERVICE_TOKEN: testToken,
      PORT: String(env.port ?? 0),
      OUTBOX_POLL_MS: '200',
      ...env.env,
    },
    /Server listening at (http:\/\/127\.0\.0\.1:\d+)/,
  );
}

export async function startProcessor(env: {
  kafkaBrokers: string;
  topic: string;
  groupId: string;
  orderServiceUrl: string;
  instance: string;
  stageDelayMs?: number;
  concurrency?: number;
  /** Any other variable of the processor (e.g. PROCESSOR_MAX_ATTEMPTS). */
  env?: Record<string, string>;
  /** Default true: wait until it joined its group (false: a test of a processor that cannot). */
  ready?: boolean;
}): Promise<ServiceProcess> {
  const processor = await startService(
    'services/order-processor/src/main.ts',
    {
      KAFKA_BROKERS: env.kafkaBrokers,
      KAFKA_TOPIC: env.topic,
      KAFKA_GROUP_ID: env.groupId,
      ORDER_SERVICE_URL: env.orderServiceUrl,
      ORDER_SERVICE_TOKEN: testToken,
      PROCESSOR_INSTANCE: env.instance,
      STAGE_DELAY_MS: String(env.stageDelayMs ?? 20),
      PROCESSOR_CONCURRENCY: String(env.concurrency ?? 32),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      PORT: '0',
      ...env.env,
    },
    /health endpoints on (http:\/\/127\.0\.0\.1:\d+)/,
  );
  if (env.ready === false) return processor;
  await waitUntil(`${env.instance} joined its group`, async () => (await fetch(`${processor.url}/readyz`)).ok, 60_000);
  return processor;
}

/** A port nothing listens on right now (for a service that must come back on the same address). */
/** A port nothing listens on (`wanted`, or any); rejects when `wanted` is taken. */
export async function freePort(wanted = 0): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(wanted, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Ports for `nodes` nodes whose broker and controller ports follow the first node's by 2 (dev/src/servers/kafka.ts). */
export async function freeClusterPorts(nodes: number): Promise<{ port: number; controllerPort: number }> {
  for (;;) {
    const port = await freePort();
    const wanted = Array.from({ length: 2 * nodes }, (_, i) => port + i);
    const free = await Promise.all(
      wanted.map((p) =>
        freePort(p).then(
          (got) => got === p,
          () => false,
        ),
      ),
    );
    if (free.every(Boolean)) return { port, controllerPort: port + 1 };
  }
}

/** A free port for every port variable of the local stack, all different. */
export async function freeStackPorts(): Promise<StackPorts> {
  const picked = new Set<number>();
  const entries: [string, number][] = [];
  for (const name of STACK_PORT_VARIABLES) {
    let port = await freePort();
    while (picked.has(port)) port = await freePort();
    picked.add(port);
    entries.push([name, port]);
  }
  return Object.fromEntries(entries) as StackPorts;
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/** The Vite dev server of the shop, proxying /api to `orderServiceUrl` (as `npm start` runs it). */
/** `env`: more of the dev server's variables (VITE_TRACE_VIEWER_URL, VITE_STACK_URL). */
export async function startFrontend(
  orderServiceUrl: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess & { port: number }> {
  const port = await freePort();
  const { handle } = spawnTracked(
    'frontend',
    [`${repoRoot}/node_modules/vite/bin/vite.js`, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: `${repoRoot}/frontend`, env: { VITE_PROXY_TARGET: orderServiceUrl, ...env } },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil('the Vite dev server', async () => (await fetch(url)).ok, 60_000);
  return { url, port, ...handle };
}

/**
 * An HTTP proxy in front of `target` that answers 500 to every request `fails` picks (an Order Service that
 * breaks on one order forever), and forwards the rest unchanged.
 */
export async function startFaultyProxy(target: string, fails: (method: string, path: string, body: string) => boolean) {
  let refused = 0;
  const server = createHttpServer(async (request, response) => {
    const path = request.url ?? '/';
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (fails(request.method ?? 'GET', path, Buffer.concat(chunks).toString())) {
      refused += 1;
      response.writeHead(500, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ title: 'Internal Server Error', status: 500 }));
      return;
    }
    try {
      const upstream = await fetch(`${target}${path}`, {
        method: request.method,
        headers: Object.fromEntries(
          Object.entries(request.headers).filter(
            ([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'connection',
          ),
        ) as Record<string, string>,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
      response.end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      response.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get refused() {
      return refused;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
