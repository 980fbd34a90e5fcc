import { type FormEvent, useState } from 'react';
import { ApiError } from '../../../lib/http.ts';
import { useFaultAction, useFaults, useLoad, useSetLoad } from '../api/stack-api.ts';
import { Section } from './Section.tsx';

const label = (name: string) => name.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
const errorText = (error: unknown) =>
  error instanceof ApiError ? error.message : error ? 'The runner did not answer.' : '';

function LoadControls() {
  const load = useLoad();
  const setLoad = useSetLoad();
  const [rate, setRate] = useState('20');
  const state = load.data;
  if (!state) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setLoad.mutate(Number(rate));
  };
  return (
    <form className="ops-lab__load" onSubmit={submit} aria-label="Load">
      <label>
        Orders a second
        <input type="number" min={1} max={10000} value={rate} onChange={(e) => setRate(e.target.value)} />
      </label>
      <button type="submit" className="button" disabled={setLoad.isPending}>
        {state.running ? 'Change rate' : 'Start load'}
      </button>
      <button
        type="button"
        className="button"
        disabled={!state.running || setLoad.isPending}
        onClick={() => setLoad.mutate(null)}
      >
        Stop load
      </button>
      <p className="mono" data-testid="load-rates" role="status">
        {state.running ? `${state.rate}/s asked · ` : 'stopped · '}accepted {state.acceptedPerSecond}/s (
        {state.accepted}) · refused {state.refusedPerSecond}/s ({state.refused})
      </p>
      {setLoad.error && (
        <p className="notice notice--error" role="alert">
          {errorText(setLoad.error)}
        </p>
      )}
    </form>
  );
}

function FaultButtons() {
  const faults = useFaults();
  const action = useFaultAction();
  const [seconds, setSeconds] = useState('');
  const [latency, setLatency] = useState('1000');
  const data = faults.data;
  if (!data) return null;
  const duration = Number(seconds) > 0 ? Number(seconds) : undefined;
  const latencyMs = Number(latency) > 0 ? Number(latency) : undefined;
  return (
    <div className="ops-lab__faults">
      <label>
        Lasting faults end by themselves after (s, empty: when ended)
        <input type="number" min={1} max={3600} value={seconds} onChange={(e) => setSeconds(e.target.value)} />
      </label>
      <label>
        Slow internal API by (ms a call)
        <input type="number" min={1} max={60000} value={latency} onChange={(e) => setLatency(e.target.value)} />
      </label>
      <ul aria-label="Faults">
        {data.faults.map((fault) => (
          <li key={fault.name}>
            <button
              type="button"
              className={`button${fault.active ? ' button--danger' : ''}`}
              disabled={action.isPending}
              title={fault.what}
              onClick={() => action.mutate({ name: fault.name, end: fault.active, seconds: duration, latencyMs })}
            >
              {fault.active ? `End ${fault.name.replace(/-/g, ' ')}` : label(fault.name)}
            </button>
          </li>
        ))}
      </ul>
      {action.error && (
        <p className="notice notice--error" role="alert">
          {errorText(action.error)}
        </p>
      )}
      {data.timeline.length > 0 && (
        <ol className="ops-lab__timeline" aria-label="Fault timeline">
          {[...data.timeline].reverse().map((entry) => (
            <li key={`${entry.fault}${entry.startedAt}`}>
              <span className="mono">{new Date(entry.startedAt).toLocaleTimeString()}</span> {entry.fault} on{' '}
              {entry.target}
              {entry.endedAt === null
                ? ' — on'
                : entry.endedAt !== entry.startedAt && ` — ended ${new Date(entry.endedAt).toLocaleTimeString()}`}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** Load and faults, one click each, under npm start (its runner's control API); left out anywhere else. */
export function LabPanel() {
  const load = useLoad();
  const faults = useFaults();
  if (!load.data && !faults.data) return null;
  return (
    <Section title="Fault lab">
      <LoadControls />
      <FaultButtons />
    </Section>
  );
}
