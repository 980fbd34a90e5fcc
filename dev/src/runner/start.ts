// `npm start`: the whole pipeline — PostgreSQL, Kafka, the Order Service, the Order Processor(s) and the
// frontend dev server — each waited for until healthy; Ctrl-C stops everything in reverse order.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ORDER_CREATED_TOPIC, ORDER_PROCESSOR_GROUP } from '@metalmart/contracts';
import { FaultLab } from '../lab/faults.ts';
import { createLoadControl, type LoadControl } from '../lab/load.ts';
import { type SlowProxy, startSlowProxy } from '../lab/slow-proxy.ts';
import { createVerdictSource, type VerdictSource } from '../lab/verdict-facts.ts';
import { prefixedLogger } from '../log.ts';
import { httpOk, isListening, waitFor } from '../ports.ts';
import { SupervisedProcess, serviceArgs } from '../processes.ts';
import { type RunningJaeger, startJaeger } from '../servers/jaeger.ts';
import { readStackSettings, repoRoot } from '../settings.ts';
import { startControlServer } from './control.ts';
import { createProcessorFleet } from './processor-fleet.ts';
import { startInfra, writeLocalEnv } from './stack.ts';
import { superviseInfra } from './watchdog.ts';

const log = prefixedLogger('metalmart');
const settings = readStackSettings();
const started = Date.now();

for (const [name, port] of [
  ['PORT (Order Service)', settings.orderServicePort],
  ['FRONTEND_PORT', settings.frontendPort],
  ['METALMART_CONTROL_PORT', settings.controlPort],
] as const) {
  if (await isListening(port)) {
    log(`port ${port} (${name}) is already in use — is another \`npm start\` running? Stop it or choose another port.`);
    process.exit(1);
  }
}

const infra = await startInfra(settings).catch((error: Error) => {
  log(`could not start the infrastructure:\n${error.message}`);
  process.exit(1);
});
// DATABASE_URL, KAFKA_BROKERS and the machine's generated service token, handed to both services.
const common = await writeLocalEnv(settings, infra);
const orderServiceUrl = `http://127.0.0.1:${settings.orderServicePort}`;

const children: SupervisedProcess[] = [];
let jaeger: RunningJaeger | undefined;
let control: { close(): Promise<void> } | undefined;
let verdict: VerdictSource | undefined;
let faults: FaultLab | undefined;
let load: LoadControl | undefined;
let slowProxy: SlowProxy | undefined;
let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.expectExit();
  fleet.expectExit();
  log('stopping…');
  // Waits for a restart in progress: a server the watchdog is starting right now is stopped below too.
  await watchdog.stop();
  await control?.close();
  await load?.stop();
  await faults?.endAll(); // nothing left stopped or frozen
  await verdict?.close();
  // The frontend, the processors, then the Order Service they call.
  const [order, ...others] = children;
  for (const child of others.reverse()) await child.stop();
  await fleet.stopAll();
  await slowProxy?.close();
  await order?.stop();
  await jaeger?.stop();
  await infra.stop();
  log(`stopped; data kept in ${settings.dataDir}`);
  process.exit(code);
}
// SIGHUP: the terminal was closed. PostgreSQL only reloads its configuration on SIGHUP, so without this it
// would outlive the runner.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));
const watchdog = superviseInfra(settings, infra);
const tracingEnv = () =>
  jaeger
    ? { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }
    : ({} as Record<string, string>);
const fleet = createProcessorFleet({
  basePort: settings.processorPort,
  // Through the lab's proxy (slow-internal-api): it passes every call on untouched until that fault is on.
  env: () => ({ ...common, ...tracingEnv(), ORDER_SERVICE_URL: slowProxy?.url ?? orderServiceUrl }),
  // Ctrl-C during a scale-up: start nothing more.
  beforeStart: () => {
    if (stopping) throw new Error('stopping');
  },
});

async function launch(child: SupervisedProcess, what: string, readyUrl: string) {
  // Ctrl-C during start-up: start nothing more (stopAll is already stopping what runs).
  if (stopping) throw new Error('stopping');
  children.push(child);
  child.start();
  await waitFor(what, () => httpOk(readyUrl), 60_000);
}

try {
  if (settings.traces) {
    jaeger = await startJaeger({
      otlpHttpPort: settings.jaegerOtlpPort,
      uiPort: settings.jaegerUiPort,
      log: prefixedLogger('jaeger'),
    });
  }
  await launch(
    new SupervisedProcess({
      name: 'order',
      args: serviceArgs('services/order/src/main.ts'),
      // Swagger UI and the ops page's API for the local stack (both off by default in the service).
      env: { ...common, ...tracingEnv(), PORT: String(settings.orderServicePort), API_DOCS: '1', OPS_API: '1' },
    }),
    'the Order Service',
    `${orderServiceUrl}/readyz`,
  );
  slowProxy = await startSlowProxy(orderServiceUrl);
  await fleet.scaleTo(settings.processorInstances);
  // The lab's window opens here: every order accepted from now on is judged (GET /stack/verdict).
  verdict = await createVerdictSource({
    databaseUrl: infra.databaseUrl,
    kafka: infra.kafka,
    topic: ORDER_CREATED_TOPIC,
    groupId: ORDER_PROCESSOR_GROUP,
  });
  faults = new FaultLab({
    processorPids: () => fleet.instances().flatMap((i) => (i.pid === null ? [] : [i.pid])),
    kafkaNodes: () =>
      (infra.servers.kafka?.nodes ?? []).flatMap((n) => (n.pid === undefined ? [] : [{ id: n.id, pid: n.pid }])),
    orderServiceLatency: { set: (ms) => slowProxy?.setLatency(ms) },
    postgres: () => {
      const server = infra.servers.postgres;
      return server?.pid === undefined
        ? undefined
        : { pid: server.pid, adminUrl: server.adminUrl, database: 'metalmart' };
    },
    kafka: infra.kafka,
  });
  load = createLoadControl(orderServiceUrl);
  control = await startControlServer({ fleet, verdict, faults, load }, settings.controlPort);
  if (existsSync(join(repoRoot, 'frontend', 'index.html'))) {
    await launch(
      new SupervisedProcess({
        name: 'frontend',
        cwd: join(repoRoot, 'frontend'),
        args: [
          join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'),
          '--host',
          '127.0.0.1',
          '--port',
          String(settings.frontendPort),
          '--strictPort',
        ],
        env: {
          VITE_PROXY_TARGET: orderServiceUrl,
          VITE_STACK_URL: `http://127.0.0.1:${settings.controlPort}`,
          ...(jaeger ? { VITE_TRACE_VIEWER_URL: jaeger.uiUrl } : {}),
        },
      }),
      'the frontend dev server',
      `http://127.0.0.1:${settings.frontendPort}/`,
    );
  }
} catch (error) {
  if (!stopping) log(`start-up failed: ${(error as Error).message}`);
  await stopAll(1);
}

if (!stopping) {
  log(`ready in ${Math.round((Date.now() - started) / 1000)} s
  Shop:           http://127.0.0.1:${settings.frontendPort}/
  Order Service:  ${orderServiceUrl}/api/products   (API docs: ${orderServiceUrl}/api/docs)
  Pipeline:       http://127.0.0.1:${settings.frontendPort}/ops   (npm run scale -- N: processor instances)
  Processor:      http://127.0.0.1:${settings.processorPort}/status
  Traces:         ${jaeger ? `${jaeger.uiUrl}/api/traces/<trace id> (the tracking page links each order's trace)` : 'off (npm start -- --traces)'}
  Press Ctrl-C to stop everything.`);
}
