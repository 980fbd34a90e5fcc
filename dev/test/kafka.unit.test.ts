import { describe, expect, it } from 'vitest';
import { randomClusterId } from '../src/servers/kafka.ts';

describe('randomClusterId', () => {
  it('gives 22-character URL-safe ids that never start with "-" (StorageTool would read one as an option)', () => {
    const ids = Array.from({ length: 5000 }, randomClusterId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
