// docs/demo.md's breakpoint table must match the code: each row's line must still hold the call it names. When
// code moves, this fails and says where the call is now, so the walkthrough never drifts from the sources.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@metalmart/dev/settings';
import { describe, expect, it } from 'vitest';

const HEADER = ['#', 'File', 'Line', 'Call', "What you'll see"];

type Breakpoint = { number: number; file: string; line: number; call: string; what: string };

/** Cells of a Markdown table row, without the outer pipes, code spans and bold markers. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) =>
      cell
        .trim()
        .replace(/^\*\*(.*)\*\*$/, '$1')
        .replace(/^`(.*)`$/, '$1'),
    );
}

/** The table whose header is exactly HEADER. */
function parseBreakpointTable(markdown: string): Breakpoint[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex(
    (line) => line.trim().startsWith('|') && cells(line).join('\u0000') === HEADER.join('\u0000'),
  );
  if (start < 0) throw new Error(`no table with the columns ${HEADER.join(' | ')}`);
  if (!/^\|?\s*:?-+/.test(lines[start + 1]?.trim() ?? '')) throw new Error('the header row is not followed by |---|');
  const rows: Breakpoint[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    const [number = '', file = '', lineNumber = '', call = '', what = ''] = cells(line);
    if (!/^\d+$/.test(lineNumber)) throw new Error(`row "${line.trim()}": Line must be a number, not "${lineNumber}"`);
    rows.push({ number: Number(number), file, line: Number(lineNumber), call, what });
  }
  return rows;
}

const doc = readFileSync(join(repoRoot, 'docs', 'demo.md'), 'utf8');
const breakpoints = parseBreakpointTable(doc);

describe('docs/demo.md breakpoints', () => {
  it('lists the four moments of the walkthrough, numbered 1 to 4', () => {
    expect(breakpoints.map((b) => b.number)).toEqual([1, 2, 3, 4]);
    expect(breakpoints.map((b) => b.file)).toEqual([
      'services/order/src/handlers/create-order.ts',
      'services/order/src/kafka/producer.ts',
      'services/order-processor/src/consumer.ts',
      'services/order-processor/src/workflow.ts',
    ]);
    for (const b of breakpoints) {
      expect(b.call.length, `breakpoint ${b.number}: Call`).toBeGreaterThan(3);
      expect(b.what.length, `breakpoint ${b.number}: What you'll see`).toBeGreaterThan(10);
      // The walkthrough refers to them by number.
      expect(doc).toContain(`breakpoint ${b.number}`);
    }
  });

  it.each(breakpoints)('breakpoint $number: $file line $line holds `$call`', ({ file, line, call }) => {
    const path = join(repoRoot, file);
    expect(existsSync(path), `${file} does not exist`).toBe(true);
    const source = readFileSync(path, 'utf8').split('\n');
    const actual = source[line - 1] ?? '';
    const now = source.flatMap((text, i) => (text.includes(call) ? [i + 1] : []));
    expect(
      actual.includes(call),
      `${file}:${line} is "${actual.trim()}"; \`${call}\` is now on line(s) ${now.join(', ') || 'none'} — update docs/demo.md`,
    ).toBe(true);
    // A breakpoint on a comment or a declaration would never stop the program.
    expect(actual.trim()).not.toMatch(/^(\/\/|\*|\/\*)/);
  });

  it('rejects a table whose line no longer holds the call (the check above can fail)', () => {
    const drifted = doc.replace(
      /(\| `services\/order\/src\/handlers\/create-order\.ts` \| )(\d+)/,
      (_, head, n) => `${head}${Number(n) + 1}`,
    );
    const [moved] = parseBreakpointTable(drifted);
    expect(moved).toBeDefined();
    const source = readFileSync(join(repoRoot, moved?.file ?? ''), 'utf8').split('\n');
    expect(source[(moved?.line ?? 0) - 1]?.includes(moved?.call ?? '')).toBe(false);
  });
});
