// The two services as child processes on the test cluster: the setup most cross-service tests share.
import { createTestDatabase, kafkaBrokers } from './infra.ts';
import { type ServiceProcess, startOrderService, startProcessor } from './processes.ts';

/**
 * An Order Service on a fresh database and one processor of `groupId` calling it, both on `topic` of the test
 * cluster; each pushed to `running` as soon as it runs (so a failed start still stops what did start).
 */
export async function startPipeline(opts: {
  topic: string;
  groupId: string;
  instance: string;
  running: { stop(): Promise<unknown> }[];
  databaseUrl?: string;
  orderServiceEnv?: Record<string, string>;
  processorEnv?: Record<string, string>;
}): Promise<{ orderService: ServiceProcess; processor: ServiceProcess }> {
  const { topic, groupId, instance, running } = opts;
  const brokers = kafkaBrokers();
  const orderService = await startOrderService({
    databaseUrl: opts.databaseUrl ?? (await createTestDatabase()),
    kafkaBrokers: brokers,
    topic,
    env: opts.orderServiceEnv,
  });
  running.push(orderService);
  const processor = await startProcessor({
    kafkaBrokers: brokers,
    topic,
    groupId,
    orderServiceUrl: orderService.url,
    instance,
    env: opts.processorEnv,
  });
  running.push(processor);
  return { orderService, processor };
}
