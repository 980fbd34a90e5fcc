import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningKafka, startKafka } from '@metalmart/dev/servers/kafka';
import { readStackSettings } from '@metalmart/dev/settings';
import { startKafkaProxy } from './kafka-proxy.ts';
import { freeClusterPorts } from './processes.ts';

/**
 * A real Kafka of one test's own (own ports, own data, the project's jars): one broker, or a cluster of
 * `nodes`, for tests that stop, freeze or kill Kafka without disturbing the shared broker the other tests use.
 */
export async function startPrivateKafka(
  opts: {
    nodes?: number;
    overrides?: Record<string, string>;
    /** One broker that clients reach only through a Kafka-aware proxy (it advertises the proxy's address). */
    proxied?: boolean;
  } = {},
) {
  const projectData = readStackSettings().dataDir;
  const dataDir = await mkdtemp(join(projectData, 'test-kafka-'));
  const ports = await freeClusterPorts(opts.nodes ?? 1);
  const proxy = opts.proxied ? await startKafkaProxy({ host: '127.0.0.1', port: ports.port }) : undefined;
  const kafka: RunningKafka = await startKafka({
    dataDir,
    ...ports,
    nodes: opts.nodes,
    overrides: {
      ...opts.overrides,
      ...(proxy && { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` }),
    },
    log: () => {},
    jarsDataDir: projectData,
  });
  const node = (id = 1) => {
    const found = kafka.nodes.find((n) => n.id === id);
    if (!found) throw new Error(`no Kafka node ${id}`);
    return found;
  };
  const signal = (name: NodeJS.Signals, id?: number) => {
    if (!node(id).running) throw new Error(`Kafka node ${id ?? 1} is not running`);
    node(id).signal(name);
  };
  return {
    brokers: proxy ? `127.0.0.1:${proxy.port}` : kafka.brokers,
    proxy,
    nodes: kafka.nodes,
    /** Stops (a controlled shutdown) node `id`, by default the only or first one. */
    stop: (id?: number) => node(id).stop(),
    /** Starts node `id` again on its own data. */
    restart: (id?: number) => node(id).start(),
    /** SIGSTOP: the broker freezes — connections stay open, nothing answers (a GC pause, a stalled VM). */
    pause: (id?: number) => signal('SIGSTOP', id),
    resume: (id?: number) => signal('SIGCONT', id),
    /** SIGKILL: no controlled shutdown; `restart()` brings it back on the same data. */
    async kill9(id?: number) {
      signal('SIGKILL', id);
      await node(id).stop(); // resolves once the process has exited
    },
    async destroy() {
      for (const n of kafka.nodes) n.signal('SIGCONT');
      await kafka.stop();
      await proxy?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
