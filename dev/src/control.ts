// The running `npm start`'s control API, on loopback only: `npm run scale` and the ops page (through the
// frontend dev server's /stack proxy) add and remove processor instances with it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ProcessorFleet } from './processor-fleet.ts';

export const PROCESSORS_PATH = '/stack/processors';

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

export function startControlServer(fleet: ProcessorFleet, port: number) {
  let desired = fleet.instances().length;
  const state = () => ({ instances: fleet.instances(), desired });
  const server = createServer(async (request, response) => {
    if (request.url !== PROCESSORS_PATH) return problem(response, 404, 'Not Found', `only ${PROCESSORS_PATH} is here`);
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
