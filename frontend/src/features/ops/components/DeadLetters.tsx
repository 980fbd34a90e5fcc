import type { OpsDeadLetter } from '@metalmart/contracts';
import { useState } from 'react';
import { useFetch } from '../../../lib/api-context.tsx';
import { ApiError } from '../../../lib/http.ts';
import { replayDeadLetter } from '../api/ops-api.ts';
import { DASH, formatClock } from '../format.ts';

type Outcome = { kind: 'ok' | 'error'; message: string };

/** Records the processor gave up on; Replay puts one back on its source topic for another go. */
export function DeadLetters({
  deadLetters,
  unavailable,
  onReplayed,
}: {
  deadLetters?: OpsDeadLetter[];
  /** Set while the list cannot be read; the last one read stays on screen. */
  unavailable: boolean;
  onReplayed: () => void;
}) {
  const fetchFn = useFetch();
  const [busy, setBusy] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();

  const replay = async (id: string) => {
    setBusy(id);
    setOutcome(undefined);
    try {
      const result = await replayDeadLetter(fetchFn, id);
      setOutcome({ kind: 'ok', message: `Dead letter ${id} replayed to ${result.topic}` });
      onReplayed();
    } catch (error) {
      const message = error instanceof ApiError ? error.message : 'The replay failed.';
      setOutcome({ kind: 'error', message: `Dead letter ${id} was not replayed: ${message}` });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section className="panel ops-section" aria-labelledby="ops-dead-letters-title">
      <h2 id="ops-dead-letters-title">Dead letters</h2>
      {/* Present from the first render, so the outcome of each replay is read out. */}
      <p
        role="status"
        className={outcome ? `notice${outcome.kind === 'error' ? ' notice--error' : ''} ops-outcome` : 'ops-outcome'}
        data-testid="replay-status"
      >
        {outcome?.message}
      </p>
      {deadLetters === undefined ? (
        <p className="ops-muted">{unavailable ? 'The dead-letter topic cannot be read right now.' : 'Loading…'}</p>
      ) : deadLetters.length === 0 ? (
        <p className="ops-muted">No dead letters</p>
      ) : (
        <div className="ops-table-wrap">
          <table className="ops-table">
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col">Source</th>
                <th scope="col">Order</th>
                <th scope="col">Time</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deadLetters.map((letter) => (
                <tr key={letter.id}>
                  <td className="ops-reason">{letter.reason}</td>
                  <td className="mono">
                    {letter.source.topic}/{letter.source.partition}@{letter.source.offset}
                  </td>
                  <td className="mono">{letter.key ?? DASH}</td>
                  <td>
                    <time dateTime={letter.at} className="mono">
                      {formatClock(letter.at)}
                    </time>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button"
                      aria-label={`Replay dead letter ${letter.id}`}
                      disabled={busy !== undefined}
                      onClick={() => void replay(letter.id)}
                    >
                      {busy === letter.id ? 'Replaying…' : 'Replay'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
