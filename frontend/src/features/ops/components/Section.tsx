import { type ReactNode, useId } from 'react';

/** One panel of the ops grid: a region named by its heading. */
export function Section({ title, children }: { title: ReactNode; children: ReactNode }) {
  const titleId = useId();
  return (
    <section className="panel ops-section" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </section>
  );
}
