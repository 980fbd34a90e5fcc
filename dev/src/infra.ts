// `npm run infra`: PostgreSQL and Kafka only, in the foreground, for running the services from an IDE or
// a second terminal. Prints the settings they need as shell-ready NAME=value lines.
import { ORDER_CREATED_TOPIC } from '@metalmart/contracts';
import { prefixedLogger } from './log.ts';
import { readStackSettings } from './settings.ts';
import { startInfra } from './stack.ts';

const settings = readStackSettings();
const log = prefixedLogger('infra');
const infra = await startInfra(settings);
console.log(`
Infrastructure is ready. Services started from another terminal or an IDE use these (the defaults
already match, so \`npm start --workspace services/order\` needs none of them):

DATABASE_URL=${infra.databaseUrl}
KAFKA_BROKERS=${infra.kafkaBrokers}
KAFKA_TOPIC=${ORDER_CREATED_TOPIC}

Press Ctrl-C to stop.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await infra.stop();
    log('stopped');
    process.exit(0);
  });
}
