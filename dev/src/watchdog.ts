import { prefixedLogger } from './log.ts';
import { isListening } from './ports.ts';
import type { StackSettings } from './settings.ts';
import type { Infra } from './stack.ts';
import { restartKafka, restartPostgres } from './stack.ts';

/**
 * While `npm start` runs: if the local PostgreSQL or Kafka stops answering (crashed, killed), say so plainly
 * and start it again; the services reconnect on their own once it is back. `stop()` waits for a restart in
 * progress, so the runner's shutdown also stops a server the watchdog has just started (no orphan).
 */
export function superviseInfra(settings: StackSettings, infra: Infra): { stop(): Promise<void> } {
  const log = prefixedLogger('watchdog');
  const checks = [
    {
      name: 'PostgreSQL',
      external: settings.externalDatabaseUrl,
      port: settings.postgresPort,
      restart: restartPostgres,
      down: false,
    },
    {
      name: 'Kafka',
      external: settings.externalKafkaBrokers,
      port: settings.kafkaPort,
      restart: restartKafka,
      down: false,
    },
  ].filter((c) => !c.external);
  let stopped = false;
  let tick: Promise<void> | undefined;
  const check = async () => {
    for (const server of checks) {
      if (stopped || (await isListening(server.port))) continue;
      if (stopped) return; // Ctrl-C stops the servers too: that is no outage
      if (!server.down) {
        server.down = true;
        log(`${server.name} is down (nothing answers on port ${server.port}); the services will retry — restarting it`);
      }
      try {
        await server.restart(settings, infra);
        server.down = false;
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
