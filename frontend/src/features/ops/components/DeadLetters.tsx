import type { OpsDeadLetter } from '@metalmart/contracts';
import { ApiError } from '../../../lib/http.ts';
import { useReplayDeadLetter } from '../api/ops-api.ts';
import { DASH, formatClock } from '../format.ts';
import { Section } from './Section.tsx';
import { type Column, Table } from './Table.tsx';

const COLUMNS: Column[] = ['Reason', 'Source', 'Order', 'Time', { label: 'Actions', hidden: true }];

type Outcome = { kind: 'ok' | 'error'; message: string };

/** What the last replay did, for the status line. */
function outcomeOf(replay: ReturnType<typeof useReplayDeadLetter>): Outcome | undefined {
  if (replay.isSuccess) {
    return { kind: 'ok', message: `Dead letter ${replay.variables} replayed to ${replay.data.topic}` };
  }
  if (replay.isError) {
    const message = replay.error instanceof ApiError ? replay.error.message : 'The replay failed.';
    return { kind: 'error', message: `Dead letter ${replay.variables} was not replayed: ${message}` };
  }
  return undefined;
}

/** Records the processor gave up on; Replay puts one back on its source topic for another go. */
export function DeadLetters({
  deadLetters,
  unavailable,
}: {
  deadLetters?: OpsDeadLetter[];
  /** Set while the list cannot be read; the last one read stays on screen. */
  unavailable: boolean;
}) {
  const replay = useReplayDeadLetter();
  const outcome = outcomeOf(replay);

  return (
    <Section title="Dead letters">
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
        <Table columns={COLUMNS}>
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
                  disabled={replay.isPending}
                  onClick={() => replay.mutate(letter.id)}
                >
                  {replay.isPending && replay.variables === letter.id ? 'Replaying…' : 'Replay'}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}
