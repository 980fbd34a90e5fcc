// The running `npm start`'s control API, on loopback only: `npm run scale` and the ops page (through the
// frontend dev server's /stack proxy) add and remove processor instances with it, and the page reads the fault
// lab's verdict (lab/verdict.ts) from it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type FaultLab, FaultRefused } from '../lab/faults.ts';
import type { LoadControl } from '../lab/load.ts';
import type { VerdictSource } from '../lab/verdict-facts.ts';
import type { ProcessorFleet } from './processor-fleet.ts';

export const PROCESSORS_PATH = '/stack/processors';
export const VERDICT_PATH = '/stack/verdict';
export const FAULTS_PATH = '/stack/faults';
export const LOAD_PATH = '/stack/load';

async function handleLoad(request: IncomingMessage, response: ServerResponse, load: LoadControl) {
  try {
    if (request.method === 'PUT') {
      const body = (await readBody(request).catch(() => undefined)) as { rate?: unknown } | undefined;
      if (typeof body?.rate !== 'number')
        return problem(response, 400, 'Bad Request', 'send {"rate": <orders a second>}');
      await load.start(body.rate);
    } else if (request.method === 'DELETE') await load.stop();
    else if (request.method !== 'GET') {
      response.setHeader('allow', 'GET, PUT, DELETE');
      return problem(response, 405, 'Method Not Allowed', 'GET, PUT or DELETE');
    }
    send(response, 200, load.state());
  } catch (error) {
    const status = error instanceof RangeError ? 400 : 503;
    problem(response, status, status === 400 ? 'Bad Request' : 'Service Unavailable', (error as Error).message);
  }
}

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
  return text ? JSON.parse(text) : undefined;
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

/** GET the faults and the timeline; POST /stack/faults/<name> {seconds?, latencyMs?} starts one, DELETE ends it. */
async function handleFaults(request: IncomingMessage, response: ServerResponse, lab: FaultLab) {
  const name = decodeURIComponent((request.url ?? '').slice(FAULTS_PATH.length + 1));
  if (!name && request.method === 'GET') return send(response, 200, { faults: lab.list(), timeline: lab.timeline() });
  try {
    if (name && request.method === 'POST') {
      const body = (await readBody(request).catch(() => ({}))) as Record<string, unknown> | undefined;
      const { seconds, latencyMs } = body ?? {};
      if (seconds !== undefined && typeof seconds !== 'number') throw new RangeError('seconds must be a number');
      if (latencyMs !== undefined && typeof latencyMs !== 'number') throw new RangeError('latencyMs must be a number');
      return send(response, 200, await lab.start(name, { seconds, latencyMs }));
    }
    if (name && request.method === 'DELETE') return send(response, 200, await lab.end(name));
    response.setHeader('allow', name ? 'POST, DELETE' : 'GET');
    return problem(response, 405, 'Method Not Allowed', name ? 'POST or DELETE' : 'GET');
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof RangeError) return problem(response, 400, 'Bad Request', message);
    if (error instanceof FaultRefused) return problem(response, 409, 'Conflict', message);
    return problem(response, 503, 'Service Unavailable', message);
  }
}

export interface ControlParts {
  fleet: ProcessorFleet;
  verdict?: VerdictSource;
  faults?: FaultLab;
  load?: LoadControl;
}

export function startControlServer({ fleet, verdict, faults, load }: ControlParts, port: number) {
  let desired = fleet.instances().length;
  const state = () => ({ instances: fleet.instances(), desired });
  const server = createServer(async (request, response) => {
    const url = request.url ?? '';
    if (url === VERDICT_PATH && request.method === 'GET') return sendVerdict(response, verdict);
    if (faults && (url === FAULTS_PATH || url.startsWith(`${FAULTS_PATH}/`)))
      return handleFaults(request, response, faults);
    if (load && url === LOAD_PATH) return handleLoad(request, response, load);
    if (url !== PROCESSORS_PATH)
      return problem(
        response,
        404,
        'Not Found',
        `only ${PROCESSORS_PATH}, ${VERDICT_PATH} and ${FAULTS_PATH} are here`,
      );
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
