// `npm start`: the whole pipeline — PostgreSQL, Kafka, the Order Service, the Order Processor(s) and the
// frontend dev server — each waited for until healthy; Ctrl-C stops everything in reverse order.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { prefixedLogger } from './log.ts';
import { httpOk, isListening, waitFor } from './ports.ts';
import { SupervisedProcess, serviceArgs } from './processes.ts';
import { readStackSettings, repoRoot } from './settings.ts';
import { startInfra, writeLocalEnv } from './stack.ts';
import { superviseInfra } from './watchdog.ts';

const log = prefixedLogger('metalmart');
const settings = readStackSettings();
const started = Date.now();

for (const [name, port] of [
  ['PORT (Order Service)', settings.orderServicePort],
  ['FRONTEND_PORT', settings.frontendPort],
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
let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.expectExit();
  log('stopping…');
  // Waits for a restart in progress: a server the watchdog is starting right now is stopped below too.
  await watchdog.stop();
  for (const child of [...children].reverse()) await child.stop();
  await infra.stop();
  log(`stopped; data kept in ${settings.dataDir}`);
  process.exit(code);
}
// SIGHUP: the terminal was closed. PostgreSQL only reloads its configuration on SIGHUP, so without this it
// would outlive the runner.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));
const watchdog = superviseInfra(settings, infra);

async function launch(child: SupervisedProcess, what: string, readyUrl: string) {
  // Ctrl-C during start-up: start nothing more (stopAll is already stopping what runs).
  if (stopping) throw new Error('stopping');
  children.push(child);
  child.start();
  await waitFor(what, () => httpOk(readyUrl), 60_000);
}

try {
  await launch(
    new SupervisedProcess({
      name: 'order',
      args: serviceArgs('services/order/src/main.ts'),
      // Swagger UI at /api/docs for the local stack (off by default in the service, so off in deployments).
      env: { ...common, PORT: String(settings.orderServicePort), API_DOCS: '1' },
    }),
    'the Order Service',
    `${orderServiceUrl}/readyz`,
  );
  for (let i = 0; i < settings.processorInstances; i++) {
    const port = settings.processorPort + i;
    const name = settings.processorInstances > 1 ? `processor-${i + 1}` : 'processor';
    await launch(
      new SupervisedProcess({
        name,
        args: serviceArgs('services/order-processor/src/main.ts'),
        env: { ...common, ORDER_SERVICE_URL: orderServiceUrl, PORT: String(port), PROCESSOR_INSTANCE: name },
      }),
      `the Order Processor (${name})`,
      `http://127.0.0.1:${port}/readyz`,
    );
  }
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
        env: { VITE_PROXY_TARGET: orderServiceUrl },
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
  Processor:      http://127.0.0.1:${settings.processorPort}/status
  Press Ctrl-C to stop everything.`);
}
