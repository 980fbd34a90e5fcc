// Run before every integration test file (vitest setupFiles): when the file is done, what it created on the
// shared servers goes, as platformatic/kafka's own tests do. Registered first, so it runs after the file's own
// afterAll hooks (which close the services using them).
import { afterAll } from 'vitest';
import { removeWhatThisFileCreated } from './infra.ts';

afterAll(async () => {
  // Not a test failure: the next run's start removes what is left (tests/support/harness/test-leftovers.ts).
  for (const problem of await removeWhatThisFileCreated()) console.warn(`[cleanup] left behind: ${problem}`);
}, 60_000);
