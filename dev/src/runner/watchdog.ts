import { prefixedLogger } from '../log.ts';
import { isListening } from '../ports.ts';
import type { StackSettings } from '../settings.ts';
import type { Infra } from './stack.ts';
import { restartKafka, restartPostgres } from './stack.ts';

interface Watched {
  name: string;
  port: number;
  restart(): Promise<void>;
}

/** What runs here and can die: PostgreSQL, and each Kafka node (a cluster reused from elsewhere as a whole). */
function watched(settings: StackSettings, infra: Infra): Watched[] {
  const list: Watched[] = [];
  if (!settings.externalDatabaseUrl) {
    list.push({ name: 'PostgreSQL', port: settings.postgresPort, restart: () => restartPostgres(settings, infra) });
  }
  if (settings.externalKafka) return list;
  const nodes = infra.servers.kafka?.nodes ?? [];
  if (nodes.length === 0) {
    list.push({ name: 'Kafka', port: settings.kafkaPort, restart: () => restartKafka(settings, infra) });
  }
  for (const node of nodes) {
    list.push({ name: nodes.length === 1 ? 'Kafka' : `Kafka node ${node.id}`, port: node.port, restart: node.start });
  }
  return list;
}

/**
 * While `npm start` runs: if the local PostgreSQL or a Kafka node stops answering (crashed, killed), say so
 * plainly and start it again; the services reconnect on their own once it is back. `stop()` waits for a restart
 * in progress, so the runner's shutdown also stops a server the watchdog has just started (no orphan).
 */
export function superviseInfra(settings: StackSettings, infra: Infra): { stop(): Promise<void> } {
  const log = prefixedLogger('watchdog');
  const down = new Set<string>();
  let stopped = false;
  let tick: Promise<void> | undefined;
  const check = async () => {
    for (const server of watched(settings, infra)) {
      if (stopped || (await isListening(server.port))) continue;
      if (stopped) return; // Ctrl-C stops the servers too: that is no outage
      if (!down.has(server.name)) {
        down.add(server.name);
        log(`${server.name} is down (nothing answers on port ${server.port}); the services will retry — restarting it`);
      }
      try {
        await server.restart();
        down.delete(server.name);
        log(`${server.name} is back`);
      } catch (error) {
        log(`restarting ${server.name} failed: ${(error as Error).message}; trying again shortly`);
      }
    }
  };
  const timer = setInterval(() => {
    if (tick || stopped) return;
    tick = check().finally(() => {
      tick = undefined;
    });
  }, 2000);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await tick;
    },
  };
}
