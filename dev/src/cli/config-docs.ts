// Writes each service's settings (the schema in its config.ts) into `.env.example`, the README's Configuration
// tables and the service's own README, between generated-block markers. `npm run config-docs` writes them;
// tests/docs/config-drift.unit.test.ts fails when a file differs from what this would write.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Schema, type VariableDoc, variablesOf } from '@metalmart/contracts';
import { PROCESSOR_SETTINGS } from '@metalmart/order-processor/config';
import { ORDER_SERVICE_SETTINGS } from '@metalmart/order-service/config';
import { repoRoot } from '../settings.ts';

const SERVICES: { id: string; source: string; schema: Schema }[] = [
  { id: 'order-service', source: 'services/order/src/config.ts', schema: ORDER_SERVICE_SETTINGS },
  { id: 'order-processor', source: 'services/order-processor/src/config.ts', schema: PROCESSOR_SETTINGS },
];

/** A Markdown table, its columns padded as the formatter would. */
export function markdownTable(rows: VariableDoc[]): string {
  const cells = [
    ['variable', 'default', 'meaning'],
    ...rows.map((r) => [`\`${r.variable}\``, r.shownDefault ?? (r.example ? `\`${r.example}\`` : 'unset'), r.meaning]),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  const [head = [], ...body] = cells;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join('\n');
}

/**
 * `.env.example` lines: the meaning, then the variable with its default, commented out (every default already
 * applies, and a variable both services read would otherwise be set twice).
 */
export function envLines(rows: VariableDoc[]): string {
  return rows.map((r) => `# ${r.meaning.replaceAll('`', '')}\n# ${r.variable}=${r.example ?? ''}`).join('\n');
}

interface Block {
  file: string;
  /** The block's name in its markers. */
  name: string;
  body: string;
  comment: (text: string) => string;
}

export function blocks(): Block[] {
  const md = (text: string) => `<!-- ${text} -->`;
  const sh = (text: string) => `# ${text}`;
  return SERVICES.flatMap(({ id, source, schema }) => {
    const rows = variablesOf(schema);
    const dir = source.replace(/\/src\/config\.ts$/, '');
    return [
      { file: '.env.example', name: id, body: envLines(rows), comment: sh },
      { file: 'README.md', name: id, body: markdownTable(rows), comment: md },
      { file: `${dir}/README.md`, name: id, body: markdownTable(rows), comment: md },
    ];
  });
}

const begin = (b: Block) =>
  b.comment(`settings of ${b.name}: generated from its config.ts by npm run config-docs, do not edit`);
const end = (b: Block) => b.comment(`end of ${b.name} settings`);

/** The file's text with each of its blocks written afresh; throws when a file lacks a block's markers. */
export function render(file: string, text: string): string {
  let out = text;
  for (const b of blocks().filter((block) => block.file === file)) {
    const [from, to] = [out.indexOf(begin(b)), out.indexOf(end(b))];
    if (from < 0 || to < from)
      throw new Error(`${file} has no block for ${b.name}: add the lines\n${begin(b)}\n${end(b)}`);
    out = `${out.slice(0, from)}${begin(b)}\n${b.body}\n${out.slice(to)}`;
  }
  return out;
}

export const documentedFiles = () => [...new Set(blocks().map((b) => b.file))];

if (import.meta.main) {
  for (const file of documentedFiles()) {
    const path = join(repoRoot, file);
    const before = readFileSync(path, 'utf8');
    const after = render(file, before);
    if (after !== before) writeFileSync(path, after);
    console.log(`${after === before ? 'unchanged' : 'written  '} ${file}`);
  }
}
