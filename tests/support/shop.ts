// The whole shop for a browser test: its own database, topic and group, the Order Service and the Vite dev
// server as child processes, processors started on demand, and Debian's Chromium.
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { createTestDatabase, createTestTopic, kafkaBrokers, uniqueName } from './infra.ts';
import { type ServiceProcess, startFrontend, startOrderService, startProcessor } from './processes.ts';

export interface ShopOptions {
  /** Names the topic and group (`<prefix>-…`, `<prefix>-group-…`). */
  prefix: string;
  /** The processors' stage delay. */
  stageDelayMs: number;
  /** Serve /api/ops about the shop's own group. */
  opsApi?: boolean;
  /** More variables for both services (e.g. OTEL_*). */
  env?: Record<string, string>;
  /** Variables of the Vite dev server (e.g. VITE_TRACE_VIEWER_URL). */
  frontendEnv?: Record<string, string>;
}

export interface Shop {
  databaseUrl: string;
  topic: string;
  groupId: string;
  orderService: ServiceProcess;
  frontend: ServiceProcess;
  browser: Browser;
  /** A processor instance in the shop's group, ready (its /readyz answers). */
  startProcessor(instance: string): Promise<ServiceProcess>;
  /** Stops every processor started so far (resumed first if a test paused it with SIGSTOP). */
  stopProcessors(): Promise<void>;
  close(): Promise<void>;
}

export async function startShop(options: ShopOptions): Promise<Shop> {
  const databaseUrl = await createTestDatabase();
  const topic = await createTestTopic(options.prefix);
  const groupId = uniqueName(`${options.prefix}-group`);
  const orderService = await startOrderService({
    databaseUrl,
    kafkaBrokers: kafkaBrokers(),
    topic,
    env: { ...options.env, ...(options.opsApi ? { OPS_API: '1', KAFKA_GROUP_ID: groupId } : {}) },
  });
  const frontend = await startFrontend(orderService.url, options.frontendEnv);
  const browser = await launchChromium();
  const processors: ServiceProcess[] = [];
  const stopProcessors = async () => {
    const stopping = processors.splice(0);
    for (const p of stopping) if (p.child.signalCode === null) p.child.kill('SIGCONT');
    await Promise.all(stopping.map((p) => p.stop()));
  };
  return {
    databaseUrl,
    topic,
    groupId,
    orderService,
    frontend,
    browser,
    async startProcessor(instance) {
      const processor = await startProcessor({
        kafkaBrokers: kafkaBrokers(),
        topic,
        groupId,
        orderServiceUrl: orderService.url,
        instance,
        stageDelayMs: options.stageDelayMs,
        ...(options.env ? { env: options.env } : {}),
      });
      processors.push(processor);
      return processor;
    },
    stopProcessors,
    async close() {
      await browser.close();
      await stopProcessors();
      await frontend.stop();
      await orderService.stop();
    },
  };
}
