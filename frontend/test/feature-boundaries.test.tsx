import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** Every relative import under `src`, as `from → to` paths relative to `src`. */
function imports(): Array<{ from: string; to: string }> {
  const found: Array<{ from: string; to: string }> = [];
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    for (const [, specifier = ''] of readFileSync(file, 'utf8').matchAll(/^import\s[^'"]*['"](\.[^'"]+)['"]/gm)) {
      found.push({ from: relative(SRC, file), to: relative(SRC, resolve(dirname(file), specifier)) });
    }
  }
  return found;
}

/** Where code may reach, as in bulletproof-react: shared code (lib, components) → features → app. */
function allowed(from: string, to: string): boolean {
  const [fromTop, fromFeature] = from.split(sep);
  const [toTop, toFeature] = to.split(sep);
  switch (fromTop) {
    case 'features':
      return toTop === 'lib' || toTop === 'components' || (toTop === 'features' && toFeature === fromFeature);
    case 'components':
      return toTop === 'lib' || toTop === 'components';
    case 'lib':
      return toTop === 'lib';
    default:
      return true;
  }
}

describe('feature boundaries', () => {
  it('finds the imports it checks', () => {
    expect(imports()).toContainEqual({
      from: join('features', 'cart', 'components', 'CartPage.tsx'),
      to: join('components', 'ProductImage.tsx'),
    });
  });

  it('keeps features apart: each uses its own files, src/components and src/lib, never another feature', () => {
    expect(imports().filter(({ from, to }) => !allowed(from, to))).toEqual([]);
  });
});
