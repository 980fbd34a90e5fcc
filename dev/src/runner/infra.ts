// `npm run infra`: PostgreSQL and Kafka only, in the foreground, for running the services from an IDE or
// a second terminal. Prints the settings they need as shell-ready NAME=value lines.
import { prefixedLogger } from '../log.ts';
import { readStackSettings } from '../settings.ts';
import { startInfra, writeLocalEnv } from './stack.ts';

const settings = readStackSettings();
const log = prefixedLogger('infra');
const infra = await startInfra(settings).catch((error: Error) => {
  log(`could not start the infrastructure:\n${error.message}`);
  process.exit(1);
});
const env = await writeLocalEnv(settings, infra);
console.log(`
Infrastructure is ready. Services started from another terminal use these settings (DATABASE_URL and
KAFKA_BROKERS are also the services' defaults; the token is this machine's, kept in .data/service-token).
Paste them into the other shell, prefixed with \`export\`, or point an IDE at .data/local.env:

${Object.entries(env)
  .map(([name, value]) => `${name}=${value}`)
  .join('\n')}

Then: npm start --workspace services/order   and   npm start --workspace services/order-processor
Press Ctrl-C to stop.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await infra.stop();
    log('stopped');
    process.exit(0);
  });
}
