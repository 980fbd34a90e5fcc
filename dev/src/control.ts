// The running `npm start`'s control API, on loopback only: `npm run scale` and the ops page (through the
// frontend dev server's /stack proxy) add and remove processor instances with it, and the page reads the fault
// lab's verdict (lab/verdict.ts) from it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { VerdictSource } from './lab/verdict-facts.ts';
import type { ProcessorFleet } from './processor-fleet.ts';

export const PROCESSORS_PATH = '/stack/processors';
export const VERDICT_PATH = '/stack/verdict';

function send(response: ServerResponse, status: number, body: unknown, type = 'application/json') {
  response.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

const problem = (response: ServerResponse, status: number, title: string, detail: string) =>
  send(response, status, { title, status, detail }, 'application/problem+json');

async function readBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 1024) throw new Error('body too large');
  }
  return JSON.parse(text);
}

/** The verdict as JSON: bigint-free, its numbers as they are. */
async function sendVerdict(response: ServerResponse, verdict: VerdictSource | undefined) {
  if (!verdict) return problem(response, 503, 'Service Unavailable', 'the verdict is not running');
  try {
    send(response, 200, { since: verdict.since.toISOString(), ...(await verdict.verdict()) });
  } catch (error) {
    problem(response, 503, 'Service Unavailable', `PostgreSQL or Kafka cannot be read: ${(error as Error).message}`);
  }
}

export function startControlServer(fleet: ProcessorFleet, port: number, verdict?: VerdictSource) {
  let desired = fleet.instances().length;
  const state = () => ({ instances: fleet.instances(), desired });
  const server = createServer(async (request, response) => {
    if (request.url === VERDICT_PATH && request.method === 'GET') return sendVerdict(response, verdict);
    if (request.url !== PROCESSORS_PATH)
      return problem(response, 404, 'Not Found', `only ${PROCESSORS_PATH} and ${VERDICT_PATH} are here`);
    if (request.method === 'GET') return send(response, 200, state());
    if (request.method !== 'PUT') {
      response.setHeader('allow', 'GET, PUT');
      return problem(response, 405, 'Method Not Allowed', 'GET or PUT');
    }
    const body = await readBody(request).catch(() => undefined);
    const count = (body as { count?: unknown } | undefined)?.count;
    if (typeof count !== 'number') return problem(response, 400, 'Bad Request', 'send {"count": <number>}');
    try {
      desired = count;
      await fleet.scaleTo(count);
      send(response, 200, state());
    } catch (error) {
      desired = fleet.instances().length;
      const status = error instanceof RangeError ? 400 : 503;
      problem(response, status, status === 400 ? 'Bad Request' : 'Service Unavailable', (error as Error).message);
    }
  });
  return new Promise<{ close(): Promise<void> }>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({ close: () => new Promise<void>((done) => server.close(() => done())) }),
    );
  });
}
