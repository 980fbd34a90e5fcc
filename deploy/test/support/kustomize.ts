// kustomize: pinned, built from the Go module proxy (a registry every machine of this project reaches) into
// the ignored .data/bin. Debian's kubectl is far too old for kustomize v5 syntax; see docs/deploy.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { binDir, ensureGoProgramSync, type GoProgram } from '../../../dev/src/tools/go-tool.ts';
import { repoPath, repoRoot } from './files.ts';
import { type Manifest, toManifest } from './manifests.ts';

export const KUSTOMIZE_VERSION = 'v5.8.2';
export const kustomize: GoProgram = {
  name: `kustomize ${KUSTOMIZE_VERSION}`,
  binary: join(binDir, 'kustomize'),
  neededFor: 'to render deploy/k8s',
  source: { install: `sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}` },
  // Its own version output, not a stamp: a kustomize put there by hand or by an older checkout still counts.
  isCurrent: (binary) => {
    const result = spawnSync(binary, ['version'], { encoding: 'utf8' });
    return result.status === 0 && result.stdout.trim() === KUSTOMIZE_VERSION;
  },
};

let checked: string | undefined;

/**
 * The path of kustomize KUSTOMIZE_VERSION, built with `go install` first if needed (the deploy project's
 * global setup has normally done that once for all files). Checked once per worker: each check runs it.
 */
export function ensureKustomize(): string {
  checked ??= ensureGoProgramSync(kustomize);
  return checked;
}

/** `kustomize build <dir>` → the rendered objects; any YAML error or nameless object fails. */
export function kustomizeBuild(dir: string): Manifest[] {
  const what = `kustomize build ${relative(repoRoot, dir)}`;
  const result = spawnSync(ensureKustomize(), ['build', dir], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${what} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).flatMap((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${what}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null) return [];
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what}: document ${i} is not an object`);
    return [toManifest({ ...value }, `${what}, document ${i}`)];
  });
}

/**
 * Renders the base plus `components` from a throwaway kustomization in `scratchDir` (with the demo secrets,
 * so Secret references resolve). kustomize takes relative paths only.
 */
export function kustomizeBaseWith(components: string[], scratchDir: string): Manifest[] {
  const all = [...new Set([repoPath('deploy', 'k8s', 'components', 'demo-secrets'), ...components])];
  writeFileSync(
    join(scratchDir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      `  - ${relative(scratchDir, repoPath('deploy', 'k8s', 'base'))}`,
      'components:',
      ...all.map((c) => `  - ${relative(scratchDir, c)}`),
      '',
    ].join('\n'),
  );
  return kustomizeBuild(scratchDir);
}

/** Sub-directories of `dir` that hold a kustomization.yaml. */
export function kustomizationsIn(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isDirectory() && existsSync(join(path, 'kustomization.yaml')))
    .sort();
}
