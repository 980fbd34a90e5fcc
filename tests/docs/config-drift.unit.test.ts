// The services' variables are declared once (each service's config.ts); the parser reads exactly them, and
// `.env.example`, the README and each service's README show what `npm run config-docs` writes from them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Env, variablesOf } from '@metalmart/contracts';
import { documentedFiles, render } from '@metalmart/dev/cli/config-docs';
import { repoRoot } from '@metalmart/dev/settings';
import { PROCESSOR_SETTINGS, readConfig as readProcessorConfig } from '@metalmart/order-processor/config';
import { ORDER_SERVICE_SETTINGS, readConfig as readOrderServiceConfig } from '@metalmart/order-service/config';
import { describe, expect, it } from 'vitest';

/** The variables a parser asks for, whatever it does with them. */
function variablesRead(read: (env: Env) => unknown): string[] {
  const asked = new Set<string>();
  const env = new Proxy({ ORDER_SERVICE_TOKEN: 'x'.repeat(32) } as Env, {
    get(target, name) {
      if (typeof name === 'string') asked.add(name);
      return target[name as string];
    },
  });
  read(env);
  return [...asked].sort();
}

describe('configuration docs', () => {
  it.each([
    ['Order Service', ORDER_SERVICE_SETTINGS, readOrderServiceConfig],
    ['processor', PROCESSOR_SETTINGS, readProcessorConfig],
  ] as const)('the %s parser reads exactly the variables its schema documents', (_name, schema, read) => {
    expect(variablesRead(read)).toEqual(
      variablesOf(schema)
        .map((v) => v.variable)
        .sort(),
    );
  });

  it.each(documentedFiles())('%s shows what npm run config-docs writes', (file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    expect(render(file, text), `${file} drifted from the config schemas: run npm run config-docs`).toBe(text);
  });
});
