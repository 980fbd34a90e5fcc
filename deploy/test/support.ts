// Shared helpers of the deployment-kit tests: repository paths, the env var names the services' code reads,
// JSONC parsing, and a pinned kustomize (installed by the tests themselves when missing).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { binDir, ensureGoProgramSync, type GoProgram } from '../../dev/src/go-tool.ts';

export { repoRoot } from '../../dev/src/settings.ts';

import { repoRoot } from '../../dev/src/settings.ts';

export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}

export function readRepoFile(path: string): string {
  return readFileSync(repoPath(path), 'utf8');
}

/** All files under `dir` (absolute), recursively, whose name passes `keep`. */
export function listFiles(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listFiles(path, keep);
    return keep(entry.name) ? [path] : [];
  });
}

/**
 * The environment variable names a service's code reads (`env.NAME`, `env['NAME']`, `process.env.NAME`,
 * `int(env, 'NAME', …)`), from its sources: the yardstick for every env block in the deployment files.
 */
export function envNamesReadBy(serviceDir: string): Set<string> {
  const names = new Set<string>();
  const patterns = [
    /\benv\.([A-Z][A-Z0-9_]*)\b/g,
    /\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g,
    /\(\s*env\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g,
  ];
  for (const file of listFiles(repoPath(serviceDir, 'src'), (name) => name.endsWith('.ts'))) {
    const source = readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const match of source.matchAll(pattern)) names.add(match[1] as string);
    }
  }
  return names;
}

/** The two services: folder, deployment name, port and the env vars the deployment files must set. */
export const SERVICES = {
  order: {
    dir: 'services/order',
    name: 'order-service',
    port: 8080,
    required: ['HOST', 'PORT', 'DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_TOPIC', 'ORDER_SERVICE_TOKEN'],
  },
  processor: {
    dir: 'services/order-processor',
    name: 'order-processor',
    port: 8081,
    required: [
      'HOST',
      'PORT',
      'KAFKA_BROKERS',
      'KAFKA_TOPIC',
      'KAFKA_GROUP_ID',
      'KAFKA_DLQ_TOPIC',
      'ORDER_SERVICE_URL',
      'ORDER_SERVICE_TOKEN',
    ],
  },
} as const;

/** Parses JSON with comments and trailing commas (VS Code's JSONC) with TypeScript's own parser. */
export function parseJsonc(text: string, fileName: string): unknown {
  const result = ts.parseConfigFileTextToJson(fileName, text);
  if (result.error) {
    throw new Error(`${fileName}: ${ts.flattenDiagnosticMessageText(result.error.messageText, '\n')}`);
  }
  return result.config;
}

/** Parses a multi-document YAML stream; any syntax error fails. */
export function parseYamlDocuments(text: string, what: string): Record<string, unknown>[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${what}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as Record<string, unknown> | null;
    return value === null ? [] : [value];
  });
}

// kustomize: pinned, built from the Go module proxy (a registry every machine of this project reaches) into
// the ignored .data/bin. Debian's kubectl is far too old for kustomize v5 syntax; see docs/deploy.md.
export const KUSTOMIZE_VERSION = 'v5.8.2';
const kustomize: GoProgram = {
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
export const kustomizeBinary = kustomize.binary;

/** Returns the path of kustomize KUSTOMIZE_VERSION, building it with `go install` first if needed. */
export function ensureKustomize(): string {
  return ensureGoProgramSync(kustomize);
}

/** `kustomize build <dir>` → the rendered objects. */
export function kustomizeBuild(dir: string): Record<string, unknown>[] {
  const result = spawnSync(ensureKustomize(), ['build', dir], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`kustomize build ${relative(repoRoot, dir)} failed:\n${result.stderr}`);
  return parseYamlDocuments(result.stdout, `kustomize build ${relative(repoRoot, dir)}`);
}

/** Sub-directories of `dir` that hold a kustomization.yaml. */
export function kustomizationsIn(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isDirectory() && existsSync(join(path, 'kustomization.yaml')))
    .sort();
}
