// A TCP proxy in front of a Kafka broker that reads the protocol's framing (a 4-byte size, then the request
// header: api key, version, correlation id; a response starts with the correlation id) so that a test can hold
// back the answers to one kind of request, or cut the connection of any client that sends one.
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

/** Kafka API keys the tests use. */
export const API = { Fetch: 1, JoinGroup: 11, Heartbeat: 12, SyncGroup: 14 } as const;

/** Splits a stream of size-prefixed frames; calls `onFrame` for each whole one. */
function frames(onFrame: (frame: Buffer) => void) {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) return;
      onFrame(pending.subarray(0, 4 + size));
      pending = pending.subarray(4 + size);
    }
  };
}

export async function startKafkaProxy(target: { host: string; port: number }) {
  /** API key → how long its answers are held back. */
  const delays = new Map<number, number>();
  /** API keys whose requests end the connection instead of reaching the broker. */
  const refused = new Set<number>();
  const counts = { delayed: 0, refused: 0 };
  const sockets = new Set<Socket>();

  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const apiKeyOf = new Map<number, number>();
    let lastRelease = 0;
    let released: Promise<void> = Promise.resolve();
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on(
      'data',
      frames((frame) => {
        const apiKey = frame.readInt16BE(4);
        if (refused.has(apiKey)) {
          counts.refused += 1;
          end();
          return;
        }
        apiKeyOf.set(frame.readInt32BE(8), apiKey);
        upstream.write(frame);
      }),
    );
    upstream.on(
      'data',
      frames((frame) => {
        const correlationId = frame.readInt32BE(4);
        const delay = delays.get(apiKeyOf.get(correlationId) ?? -1) ?? 0;
        apiKeyOf.delete(correlationId);
        if (delay > 0) counts.delayed += 1;
        // Answers leave in the order the broker sent them (the client may rely on it), each no earlier than due.
        const at = Math.max(Date.now() + delay, lastRelease);
        lastRelease = at;
        released = released.then(async () => {
          const wait = at - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          if (!client.destroyed) client.write(frame);
        });
      }),
    );
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    counts,
    /** Hold back every answer to `apiKey` by `ms` (0: no longer). */
    delay(apiKey: number, ms: number) {
      if (ms > 0) delays.set(apiKey, ms);
      else delays.delete(apiKey);
    },
    /** Cut the connection of any client that sends `apiKey` (false: pass them again). */
    refuse(apiKey: number, on = true) {
      if (on) refused.add(apiKey);
      else refused.delete(apiKey);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
