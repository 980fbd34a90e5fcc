import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningKafka, startKafka } from '@metalmart/dev/kafka';
import { readStackSettings } from '@metalmart/dev/settings';
import { freePort } from './processes.ts';

/**
 * A real Kafka broker of one test's own (own ports, own data, the project's jars), for tests that stop,
 * freeze or kill Kafka without disturbing the shared broker the other tests use.
 */
export async function startPrivateKafka() {
  const projectData = readStackSettings().dataDir;
  const dataDir = await mkdtemp(join(projectData, 'test-kafka-'));
  const ports = { port: await freePort(), controllerPort: await freePort() };
  const launch = () => startKafka({ dataDir, ...ports, log: () => {}, jarsDataDir: projectData });
  let broker: RunningKafka | undefined = await launch();
  const signal = (name: NodeJS.Signals) => {
    if (!broker?.pid) throw new Error('the private broker is not running');
    process.kill(broker.pid, name);
  };
  return {
    brokers: `127.0.0.1:${ports.port}`,
    async stop() {
      await broker?.stop();
      broker = undefined;
    },
    async restart() {
      broker = await launch();
    },
    /** SIGSTOP: the broker freezes — connections stay open, nothing answers (a GC pause, a stalled VM). */
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    /** SIGKILL: no controlled shutdown; `restart()` brings it back on the same data. */
    async kill9() {
      const victim = broker;
      signal('SIGKILL');
      broker = undefined;
      await victim?.stop(); // resolves once the process has exited
    },
    async destroy() {
      if (broker?.pid) process.kill(broker.pid, 'SIGCONT');
      await broker?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
