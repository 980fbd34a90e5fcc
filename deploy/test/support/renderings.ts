// Every overlay, and every component on top of the base, rendered once per test file: each *.render.test.ts
// checks its subject against all of them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll } from 'vitest';
import { repoPath } from './files.ts';
import { ensureKustomize, kustomizationsIn, kustomizeBaseWith, kustomizeBuild } from './kustomize.ts';
import type { Manifest } from './manifests.ts';

export const overlayDirs = kustomizationsIn(repoPath('deploy', 'k8s', 'overlays'));
export const componentDirs = kustomizationsIn(repoPath('deploy', 'k8s', 'components'));

export interface Renderings {
  /** Every rendering as [name, objects]: 'overlay gke', 'base + component keda-autoscaling', … */
  all(): [string, Manifest[]][];
  overlay(name: string): Manifest[];
  component(name: string): Manifest[];
}

/**
 * Renders everything before the file's tests (registers the beforeAll). The throwaway kustomizations of the
 * components are removed as soon as they are rendered.
 */
export function renderEverything(): Renderings {
  const rendered = new Map<string, Manifest[]>();
  beforeAll(() => {
    ensureKustomize(); // without the project's global setup: go install here (about a minute)
    const scratch = mkdtempSync(join(tmpdir(), 'metalmart-kustomize-'));
    try {
      for (const overlay of overlayDirs) rendered.set(`overlay ${basename(overlay)}`, kustomizeBuild(overlay));
      for (const component of componentDirs) {
        const dir = mkdtempSync(join(scratch, `${basename(component)}-`));
        rendered.set(`base + component ${basename(component)}`, kustomizeBaseWith([component], dir));
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 20 * 60_000);

  const get = (name: string) => {
    const list = rendered.get(name);
    if (!list) throw new Error(`nothing rendered for ${name}`);
    return list;
  };
  return {
    all: () => [...rendered.entries()],
    overlay: (name) => get(`overlay ${name}`),
    component: (name) => get(`base + component ${name}`),
  };
}
