const colours = [36, 35, 33, 32, 34, 91, 96, 95];
const assigned = new Map<string, number>();

/** A logger that prefixes every line with a coloured `[name]`, like docker compose does. */
export function prefixedLogger(name: string): (line: string) => void {
  if (!assigned.has(name)) assigned.set(name, colours[assigned.size % colours.length] ?? 0);
  const prefix = process.stdout.isTTY ? `\x1b[${assigned.get(name)}m[${name}]\x1b[0m` : `[${name}]`;
  return (line: string) => process.stdout.write(`${prefix} ${line}\n`);
}
