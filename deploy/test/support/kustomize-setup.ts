// Global setup of the `deploy` Vitest project: builds kustomize once, before the render test files start in
// parallel, instead of one `go install` per file on a fresh machine.

import { prefixedLogger } from '../../../dev/src/log.ts';
import { ensureGoProgram } from '../../../dev/src/tools/go-tool.ts';
import { kustomize } from './kustomize.ts';

export default async function setup(): Promise<void> {
  await ensureGoProgram(kustomize, prefixedLogger('kustomize'));
}
