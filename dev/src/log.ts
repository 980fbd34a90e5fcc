const colours = [36, 35, 33, 32, 34, 91, 96, 95];
const assigned = new Map<string, number>();

/** A logger that prefixes every line with a coloured `[name]`, like docker compose does. */
export function prefixedLogger(name: string): (line: string) => void {
  if (!assigned.has(name)) assigned.set(name, colours[assigned.size % colours.length] ?? 0);
  const prefix = process.stdout.isTTY ? `\x1b[${assigned.get(name)}m[${name}]\x1b[0m` : `[${name}]`;
  return (line: string) => process.stdout.write(`${prefix} ${line}\n`);
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);

/** Pino's JSON lines made readable for a terminal: `INFO Received message topic=… partition=…`. */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const extras = Object.entries(entry)
      .filter(([key]) => !HIDDEN.has(key))
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    return [LEVELS[entry.level as number] ?? 'INFO', entry.msg, ...extras].join(' ');
  } catch {
    return line;
  }
}
