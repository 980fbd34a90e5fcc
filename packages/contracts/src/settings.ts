// A service's configuration as data: each setting says how it is read from the environment and documents the
// variables it reads (default and meaning). The parser, `.env.example` and the README's tables all come from
// the same schema (dev/src/cli/config-docs.ts writes them; a test fails when a file drifts).
import { boolFromEnv, type Env, intFromEnv } from './env.ts';

/** One environment variable as the docs show it. */
export interface VariableDoc {
  variable: string;
  /** The value used when it is unset, as `.env.example` writes it; absent: written commented out. */
  example?: string;
  /** The default in words, for the README, when it is not `example` itself (`none (required)`, a formula). */
  shownDefault?: string;
  meaning: string;
}

/** How one setting is read (validated: a bad value throws a ConfigError naming the variable), and its docs. */
export interface Setting<T> {
  docs: VariableDoc[];
  read(env: Env): T;
}

// biome-ignore lint/suspicious/noExplicitAny: a schema holds settings of any value type
export type Schema = Record<string, Setting<any>>;
export type SettingsOf<S extends Schema> = { [K in keyof S]: ReturnType<S[K]['read']> };

/** Every setting of `schema`, read from `env`; the first bad value throws. */
export function readSettings<S extends Schema>(schema: S, env: Env): SettingsOf<S> {
  return Object.fromEntries(Object.entries(schema).map(([key, s]) => [key, s.read(env)])) as SettingsOf<S>;
}

export function intSetting(
  variable: string,
  fallback: number,
  [min, max]: [number, number],
  meaning: string,
): Setting<number> {
  return {
    docs: [{ variable, example: String(fallback), meaning }],
    read: (env) => intFromEnv(env, variable, fallback, min, max),
  };
}

export function boolSetting(variable: string, fallback: boolean, meaning: string): Setting<boolean> {
  return {
    docs: [{ variable, example: fallback ? '1' : '0', meaning }],
    read: (env) => boolFromEnv(env, variable, fallback),
  };
}

/** A string with a default (an empty value counts as unset). */
export function textSetting(variable: string, fallback: string, meaning: string): Setting<string> {
  return { docs: [{ variable, example: fallback, meaning }], read: (env) => env[variable] || fallback };
}

/** The same variable and docs, its value turned into what the service uses (hours into milliseconds). */
export function mapSetting<T, U>(setting: Setting<T>, map: (value: T) => U): Setting<U> {
  return { docs: setting.docs, read: (env) => map(setting.read(env)) };
}

/** The schema's variables, documented, in order (a variable two settings read is listed once). */
export function variablesOf(schema: Schema): VariableDoc[] {
  const seen = new Map<string, VariableDoc>();
  for (const s of Object.values(schema))
    for (const doc of s.docs) if (!seen.has(doc.variable)) seen.set(doc.variable, doc);
  return [...seen.values()];
}
