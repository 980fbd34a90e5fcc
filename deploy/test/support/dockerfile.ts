// Reading a Dockerfile the way the tests need it: its stages and instructions (no Docker engine runs here), and
// the environment its final stage gives the process.
import { readRepoFile } from './files.ts';

export type Instruction = { keyword: string; args: string };
export type Stage = { from: string; name?: string; instructions: Instruction[] };

/** Dockerfile → stages of instructions (line continuations joined, comments and parser directives dropped). */
export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest };
    if (instruction.keyword === 'FROM') {
      const [, image = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      const from = image.replace(/\$\{(\w+)\}/g, (_, arg: string) => args[arg] ?? `\${${arg}}`);
      stages.push({ from, name, instructions: [] });
    } else if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = rest.split('=');
      args[name] = value;
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${keyword} before FROM`);
      stage.instructions.push(instruction);
    }
  }
  return { args, stages };
}

export const all = (stage: Stage | undefined, keyword: string) =>
  (stage?.instructions ?? []).filter((i) => i.keyword === keyword).map((i) => i.args);

/**
 * The `ENV` of a Dockerfile's final stage (the image's runtime environment), `KEY=value` pairs with optional
 * double quotes; a later `ENV` overrides an earlier one, as in Docker.
 */
export function imageEnv(dockerfile: string): Record<string, string> {
  const final = parseDockerfile(readRepoFile(dockerfile)).stages.at(-1);
  const env: Record<string, string> = {};
  for (const args of all(final, 'ENV')) {
    for (const [, key = '', quoted, plain] of args.matchAll(/(\w+)=(?:"([^"]*)"|(\S*))/g)) {
      env[key] = quoted ?? plain ?? '';
    }
  }
  return env;
}
