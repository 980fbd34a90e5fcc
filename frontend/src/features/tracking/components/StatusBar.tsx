import { isFinal, ORDER_STATUSES, type OrderStatus } from '@metalmart/contracts';
import type { CSSProperties } from 'react';
import { STATUS_COPY } from '../../../lib/status-copy.ts';

type StageState = 'done' | 'current' | 'upcoming';

/** Which stages are filled for a status: those before it are done, it is current, the rest are upcoming. */
export function stageStates(status: OrderStatus): StageState[] {
  const current = ORDER_STATUSES.indexOf(status);
  return ORDER_STATUSES.map((_, index) => (index < current ? 'done' : index === current ? 'current' : 'upcoming'));
}

const SPOKEN: Record<StageState, string> = { done: 'done', current: 'current step', upcoming: 'to do' };

/** The four stages, `pending → processing → confirmed → shipped`, filled up to the order's status. */
export function StatusBar({ status }: { status: OrderStatus }) {
  const states = stageStates(status);
  const current = ORDER_STATUSES.indexOf(status);
  const progress = { '--progress': current / (ORDER_STATUSES.length - 1) } as CSSProperties;
  return (
    <ol
      className={`status-bar${isFinal(status) ? ' status-bar--complete' : ''}`}
      aria-label="Order progress"
      data-status={status}
      style={progress}
    >
      {ORDER_STATUSES.map((stage, index) => {
        const state = states[index] ?? 'upcoming';
        const checked = state === 'done' || (state === 'current' && isFinal(stage));
        return (
          <li
            key={stage}
            className={`status-bar__stage status-bar__stage--${state}`}
            data-stage={stage}
            data-state={state}
            aria-current={state === 'current' ? 'step' : undefined}
          >
            <span className="status-bar__dot" aria-hidden="true">
              {checked ? '✓' : index + 1}
            </span>
            <span className="status-bar__label">
              {STATUS_COPY[stage].label}
              <span className="visually-hidden"> ({SPOKEN[state]})</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
