import { describe, expect, it } from 'vitest';
import { groupCommit, rowsAtFault } from '../src/store/group-commit.ts';

/** A fake statement: records each batch, answers when told to, fails when an item says so. */
function statement() {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const run = (items: number[]) => {
    batches.push(items);
    return new Promise<number[]>((resolve, reject) => {
      pending.push(() => {
        const bad = items.find((i) => i < 0);
        if (bad === undefined) resolve(items.map((i) => i * 10));
        else reject(Object.assign(new Error(`bad row ${bad}`), { code: items.length > 1 ? '23503' : '23514' }));
      });
    });
  };
  const answerAll = async () => {
    while (pending.length > 0) {
      pending.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { run, batches, answerAll };
}

const options = { maxInFlight: 1, maxBatch: 3, splitOn: rowsAtFault };

describe('group commit', () => {
  it('given an idle database, when one call comes, then it goes at once and alone', async () => {
    const db = statement();
    const submit = groupCommit(db.run, options);
    const answer = submit(1);
    expect(db.batches).toEqual([[1]]);
    await db.answerAll();
    expect(await answer).toBe(10);
  });

  it('given a batch in flight, when more calls come, then they wait and go together, each with its own answer', async () => {
    const db = statement();
    const submit = groupCommit(db.run, options);
    const answers = [1, 2, 3, 4, 5, 6].map(submit);
    expect(db.batches).toEqual([[1]]);
    await db.answerAll();
    expect(db.batches).toEqual([[1], [2, 3, 4], [5, 6]]); // at most maxBatch a statement
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('given room for two statements, when calls come, then two run at once', () => {
    const db = statement();
    const submit = groupCommit(db.run, { ...options, maxInFlight: 2 });
    for (const i of [1, 2, 3]) void submit(i);
    expect(db.batches).toEqual([[1], [2]]);
  });

  it('given one row at fault in a batch, when the statement fails, then its batch-mates are written and only it fails, with its own error', async () => {
    const db = statement();
    const submit = groupCommit(db.run, options);
    const first = submit(1);
    const answers = [2, -3, 4].map((i) => submit(i).then(String, (e: Error) => e.message));
    await db.answerAll();
    await first;
    expect(await Promise.all(answers)).toEqual(['20', 'bad row -3', '40']);
    expect(db.batches.slice(1)).toEqual([[2, -3, 4], [2], [-3], [4]]);
  });

  it('given the database away, when a batch fails, then every call of it fails at once, without a retry', async () => {
    const batches: number[][] = [];
    const submit = groupCommit(
      async (items: number[]) => {
        batches.push(items);
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
      { ...options, maxInFlight: 1 },
    );
    const answers = [1, 2, 3].map((i) => submit(i).catch((e: Error) => e.message));
    expect(await Promise.all(answers)).toEqual(Array(3).fill('connect ECONNREFUSED'));
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('tells the rows at fault from the server being away by the SQLSTATE class', () => {
    expect(rowsAtFault({ code: '23505' })).toBe(true); // unique violation
    expect(rowsAtFault({ code: '22P02' })).toBe(true); // invalid text representation
    expect(rowsAtFault({ code: '57P01' })).toBe(false); // admin shutdown
    expect(rowsAtFault({ code: 'ECONNREFUSED' })).toBe(false);
    expect(rowsAtFault(undefined)).toBe(false);
  });
});
