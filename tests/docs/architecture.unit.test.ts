// docs/architecture.md names real files and, after `›`, a function, class or constant in each: this keeps it so.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@metalmart/dev/settings';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(join(repoRoot, 'docs', 'architecture.md'), 'utf8');
const TOP = '(?:packages|services|frontend|dev|deploy|tests|bench)';

/** Every repository path the document mentions (folders end with `/`; `features/*` patterns are skipped). */
function pathsIn(text: string): string[] {
  const found = text.match(new RegExp(`\\b${TOP}/[\\w./*-]*`, 'g')) ?? [];
  return [...new Set(found.map((p) => p.replace(/[.,]+$/, '')))].filter((p) => !p.includes('*'));
}

/** Every `file › Symbol` pair (the symbol may wrap onto the next line of a list). */
function symbolsIn(text: string): { file: string; symbol: string }[] {
  const pairs = text.matchAll(new RegExp(`\\b(${TOP}/[\\w./-]+\\.\\w+) ›\\s*(\\w+)`, 'g'));
  return [...pairs].map(([, file = '', symbol = '']) => ({ file, symbol }));
}

/** `symbol` is declared in `source`: a function, class, const, type, or a method of a class or object. */
function declares(source: string, symbol: string): boolean {
  return new RegExp(
    `(?:function\\*?|class|const|let|interface|type)\\s+${symbol}\\b|^\\s*(?:async\\s+)?${symbol}\\s*[(<]`,
    'm',
  ).test(source);
}

describe('docs/architecture.md', () => {
  const paths = pathsIn(doc);
  const symbols = symbolsIn(doc);

  it('names the two paths through the system', () => {
    expect(symbols.length).toBeGreaterThan(20);
    expect(paths).toContain('services/order/src/handlers/create-order.ts');
    expect(paths).toContain('services/order-processor/src/workflow.ts');
  });

  it.each(paths)('%s exists', (path) => {
    const full = join(repoRoot, path);
    expect(existsSync(full), `${path} is named in docs/architecture.md but does not exist`).toBe(true);
    if (path.endsWith('/')) expect(statSync(full).isDirectory()).toBe(true);
  });

  it.each(symbols)('$file declares $symbol', ({ file, symbol }) => {
    const source = readFileSync(join(repoRoot, file), 'utf8');
    expect(declares(source, symbol), `${file} has no ${symbol} — update docs/architecture.md`).toBe(true);
  });

  it('rejects a name the code does not have (the check above can fail)', () => {
    const source = readFileSync(join(repoRoot, 'services/order/src/outbox/relay.ts'), 'utf8');
    expect(declares(source, 'drainOnce')).toBe(true);
    expect(declares(source, 'publishOrderCreated')).toBe(false);
    expect(pathsIn('see `services/order/src/nowhere.ts › thing`')).toEqual(['services/order/src/nowhere.ts']);
  });
});
