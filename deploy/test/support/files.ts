// Reading the repository: paths, files, and VS Code's JSONC. Everything the deployment-kit tests check is a
// file of this repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../../../dev/src/settings.ts';

export { repoRoot };

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

/** Parses JSON with comments and trailing commas (VS Code's JSONC) with TypeScript's own parser. */
export function parseJsonc(text: string, fileName: string): unknown {
  const result = ts.parseConfigFileTextToJson(fileName, text);
  if (result.error) {
    throw new Error(`${fileName}: ${ts.flattenDiagnosticMessageText(result.error.messageText, '\n')}`);
  }
  return result.config;
}
