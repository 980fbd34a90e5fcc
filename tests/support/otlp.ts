// A real OTLP/HTTP trace receiver for the tests (tests/support/otlp-receiver.py on the official OTLP protobuf
// bindings, opentelemetry-proto from PyPI): what our exporters send is decoded by code that is not ours.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '@metalmart/dev/settings';
import { pythonVenv } from './python.ts';

const OTLP_PROTO_VERSION = '1.45.2';

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER' | 'UNSPECIFIED';
  attributes: Record<string, string | number | boolean | null>;
  links: { traceId: string; spanId: string }[];
  status: number;
  protocol: 'http/protobuf' | 'http/json';
}

export async function startOtlpReceiver() {
  const venv = await pythonVenv('opentelemetry-proto', OTLP_PROTO_VERSION);
  const child = spawn(join(venv, 'bin', 'python'), [join(repoRoot, 'tests', 'support', 'otlp-receiver.py')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^listening on (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the OTLP receiver exited with ${code}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    async spans(): Promise<ReceivedSpan[]> {
      return (await fetch(`${endpoint}/spans`)).json() as Promise<ReceivedSpan[]>;
    },
    async stop() {
      child.kill('SIGTERM');
    },
  };
}
