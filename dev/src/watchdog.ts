import { prefixedLogger } from './log.ts';
import { isListening } from './ports.ts';
import type { StackSettings } from './settings.ts';
import type { Infra } from './stack.ts';
import { restartKafka, restartPostgres } from './stack.ts';

/**
 * While `npm start` runs: if the local PostgreSQL or Kafka stops answering (crashed, killed), say so plainly
 * and start it again; the services reconnect on their own once it is back.
 */
export function superviseInfra(settings: StackSettings, infra: Infra): { stop(): void } {
  const log = prefixedLogger('watchdog');
  const checks = [
    {
      name: 'PostgreSQL',
      external: settings.externalDatabaseUrl,
      port: settings.postgresPort,
      restart: restartPostgres,
    },
    { name: 'Kafka', external: settings.externalKafkaBrokers, port: settings.kafkaPort, restart: restartKafka },
  ].filter((c) => !c.external);
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (const check of checks) {
        if (await isListening(check.port)) continue;
        log(`${check.name} is down (nothing answers on port ${check.port}); the services will retry — restarting it`);
        await check.restart(settings, infra);
        log(`${check.name} is back`);
      }
    } catch (error) {
      log(`restart failed: ${(error as Error).message}; trying again shortly`);
    } finally {
      busy = false;
    }
  }, 2000);
  return { stop: () => clearInterval(timer) };
}
