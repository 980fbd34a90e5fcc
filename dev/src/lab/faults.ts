// The fault lab's faults: each one a real thing done to a real process (signals, a killed backend, a record, more
// partitions), started by a click on the pipeline page or `npm run fault`, undone by a second click or by itself
// after a chosen time, and written into a timeline with its start and end.
import { ORDER_CREATED_TOPIC } from '@metalmart/contracts';
import { clientOptions, type KafkaConnection } from '@metalmart/contracts/kafka-connection';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { crashBackend, signalPostgres } from './postgres-faults.ts';

/** What the faults act on, as the runner of `npm start` knows it. */
export interface FaultTargets {
  /** The running processor instances' process ids, oldest first. */
  processorPids(): number[];
  /** The brokers' JVMs by node id (empty: Kafka not started by this runner). */
  kafkaNodes(): { id: number; pid: number }[];
  /** The proxy between the processors and the Order Service (undefined: none). */
  orderServiceLatency?: { set(ms: number): void };
  /** The postmaster and an admin URL (undefined: an external server). */
  postgres(): { pid: number; adminUrl: string; database: string } | undefined;
  kafka: KafkaConnection;
  topic?: string;
}

/** Undoes a fault; a fault with no undo ends by itself at once (a kill, a record, partitions). */
type Undo = () => void | Promise<void>;

/** How a fault is asked for: `seconds` ends a lasting one by itself; `latencyMs` is slow-internal-api's delay. */
export interface FaultOptions {
  seconds?: number;
  latencyMs?: number;
}

export interface FaultDefinition {
  name: string;
  /** One line for the page and `npm run fault`. */
  what: string;
  /** Whether it lasts until undone (a second click, or after its time). */
  lasting: boolean;
  start(targets: FaultTargets, options: FaultOptions): Promise<{ target: string; undo?: Undo }>;
}

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new FaultRefused(`${what} is not run by npm start here`);
  return value;
};

/** A fault that cannot start (nothing to act on, already active): a 409 or 400, never a crash. */
export class FaultRefused extends Error {}

/** SIGSTOP now, SIGCONT as the undo: the process keeps its sockets and memory, and answers nothing meanwhile. */
function suspend(pid: number, what: string) {
  process.kill(pid, 'SIGSTOP');
  return { target: `${what} pid ${pid}`, undo: () => process.kill(pid, 'SIGCONT') };
}

/** The broker leading `partition` of the order topic (Kafka's metadata), or undefined when it has none. */
async function partitionLeader(targets: FaultTargets, partition: number): Promise<number | undefined> {
  const topic = targets.topic ?? ORDER_CREATED_TOPIC;
  const admin = new Admin({ clientId: 'metalmart-lab', ...clientOptions(targets.kafka), timeout: 5000 });
  try {
    const metadata = await admin.metadata({ topics: [topic] });
    return metadata.topics.get(topic)?.partitions[partition]?.leader;
  } finally {
    await admin.close();
  }
}

function firstProcessor(targets: FaultTargets): number {
  const pid = targets.processorPids()[0];
  if (pid === undefined) throw new FaultRefused('no processor instance runs (npm run scale -- 1)');
  return pid;
}

export const FAULTS: FaultDefinition[] = [
  {
    name: 'pause-processor',
    what: 'SIGSTOP the first processor instance (the seed: stay on breakpoint 3), SIGCONT to resume',
    lasting: true,
    start: async (targets) => suspend(firstProcessor(targets), 'processor'),
  },
  {
    name: 'kill-processor',
    what: 'kill -9 the first processor instance (the runner starts it again)',
    lasting: false,
    async start(targets) {
      const pid = firstProcessor(targets);
      process.kill(pid, 'SIGKILL');
      return { target: `processor pid ${pid}` };
    },
  },
  {
    name: 'stop-broker',
    what:
      'SIGSTOP the Kafka broker, or on a cluster (KAFKA_NODES=3) the one leading partition 0 of the order topic ' +
      '(connections stay open, nothing answers), SIGCONT to resume',
    lasting: true,
    async start(targets) {
      const nodes = targets.kafkaNodes();
      if (nodes.length === 0) throw new FaultRefused('the Kafka broker is not run by npm start here');
      if (nodes.length === 1) return suspend((nodes[0] as { pid: number }).pid, 'broker');
      const leader = await partitionLeader(targets, 0);
      const node = nodes.find((n) => n.id === leader) ?? (nodes[0] as { id: number; pid: number });
      return suspend(node.pid, `broker ${node.id} of ${nodes.length} (leader of partition 0)`);
    },
  },
  {
    name: 'crash-postgres',
    what: 'kill -9 one PostgreSQL backend: the server ends every session and recovers',
    lasting: false,
    async start(targets) {
      const pg = need(targets.postgres(), 'PostgreSQL');
      const pid = await crashBackend(pg.adminUrl, pg.database);
      return { target: `postgres backend pid ${pid}` };
    },
  },
  {
    name: 'freeze-postgres',
    what: 'SIGSTOP every PostgreSQL process (a storage stall, a failover), SIGCONT to thaw',
    lasting: true,
    async start(targets) {
      const pg = need(targets.postgres(), 'PostgreSQL');
      signalPostgres(pg.pid, 'SIGSTOP');
      return { target: `postmaster pid ${pg.pid}`, undo: () => signalPostgres(pg.pid, 'SIGCONT') };
    },
  },
  {
    name: 'slow-internal-api',
    what: "hold each of the processors' calls to the Order Service's internal API for the chosen latency",
    lasting: true,
    async start(targets, { latencyMs = 1000 }) {
      const proxy = need(targets.orderServiceLatency, "the proxy to the Order Service's internal API");
      if (!(Number.isInteger(latencyMs) && latencyMs > 0 && latencyMs <= 60_000))
        throw new RangeError('latencyMs must be a whole number of milliseconds, 1–60000');
      proxy.set(latencyMs);
      return { target: `the internal API, +${latencyMs} ms a call`, undo: () => proxy.set(0) };
    },
  },
  {
    name: 'poison',
    what: 'publish a record that is not an order.created event (the processor dead-letters it)',
    lasting: false,
    async start(targets) {
      const topic = targets.topic ?? ORDER_CREATED_TOPIC;
      const producer = new Producer({
        clientId: 'metalmart-lab',
        ...clientOptions(targets.kafka),
        serializers: stringSerializers,
        timeout: 5000,
        retries: 2,
      });
      try {
        const key = `poison-${Date.now()}`;
        await producer.send({ messages: [{ topic, key, value: 'this is not an order.created event' }] });
        return { target: `${topic} key ${key}` };
      } finally {
        await producer.close();
      }
    },
  },
  {
    name: 'grow-partitions',
    what: "add 6 partitions to the order topic (the group's leader rejoins so that they are all owned)",
    lasting: false,
    async start(targets) {
      const topic = targets.topic ?? ORDER_CREATED_TOPIC;
      const admin = new Admin({ clientId: 'metalmart-lab', ...clientOptions(targets.kafka), timeout: 5000 });
      try {
        const metadata = await admin.metadata({ topics: [topic] });
        const count = (metadata.topics.get(topic)?.partitionsCount ?? 0) + 6;
        await admin.createPartitions({ topics: [{ name: topic, count }] });
        return { target: `${topic} → ${count} partitions` };
      } finally {
        await admin.close();
      }
    },
  },
];

export interface TimelineEntry {
  fault: string;
  target: string;
  startedAt: string;
  /** Null while it lasts. */
  endedAt: string | null;
}

/** The faults of one runner: at most one of each name at a time; each written into the timeline. */
export class FaultLab {
  readonly #targets: FaultTargets;
  readonly #faults: Map<string, FaultDefinition>;
  readonly #active = new Map<string, { entry: TimelineEntry; undo: Undo; timer?: NodeJS.Timeout }>();
  readonly #timeline: TimelineEntry[] = [];
  readonly #now: () => Date;

  constructor(targets: FaultTargets, faults = FAULTS, now = () => new Date()) {
    this.#targets = targets;
    this.#faults = new Map(faults.map((f) => [f.name, f]));
    this.#now = now;
  }

  list() {
    return [...this.#faults.values()].map(({ name, what, lasting }) => ({
      name,
      what,
      lasting,
      active: this.#active.has(name),
    }));
  }

  timeline(): TimelineEntry[] {
    return this.#timeline.map((e) => ({ ...e }));
  }

  /** Starts `name`; a lasting one ends by itself after `seconds` (none: when ended). */
  async start(name: string, options: FaultOptions = {}): Promise<TimelineEntry> {
    const { seconds } = options;
    const fault = this.#faults.get(name);
    if (!fault) throw new RangeError(`no fault named ${name} (${[...this.#faults.keys()].join(', ')})`);
    if (seconds !== undefined && !(seconds > 0 && seconds <= 3600)) throw new RangeError('seconds must be 1–3600');
    if (this.#active.has(name)) throw new FaultRefused(`${name} is already on: end it first`);
    const { target, undo } = await fault.start(this.#targets, options);
    const at = this.#now().toISOString();
    const entry: TimelineEntry = { fault: name, target, startedAt: at, endedAt: fault.lasting && undo ? null : at };
    this.#timeline.push(entry);
    if (fault.lasting && undo) {
      const timer = seconds ? setTimeout(() => void this.end(name).catch(() => {}), seconds * 1000) : undefined;
      timer?.unref();
      this.#active.set(name, { entry, undo, timer });
    }
    return { ...entry };
  }

  /** Undoes a lasting fault that is on. */
  async end(name: string): Promise<TimelineEntry> {
    const active = this.#active.get(name);
    if (!active) throw new FaultRefused(`${name} is not on`);
    this.#active.delete(name);
    clearTimeout(active.timer);
    await active.undo();
    active.entry.endedAt = this.#now().toISOString();
    return { ...active.entry };
  }

  /** Undoes every fault that is on (the runner stopping: nothing is left stopped). */
  async endAll(): Promise<void> {
    for (const name of [...this.#active.keys()]) await this.end(name).catch(() => {});
  }
}
