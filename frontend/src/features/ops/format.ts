// 24-hour clock whatever the locale: the page is read next to terminal logs, which print HH:MM:SS.
const clockFormat = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export function formatClock(iso: string | Date): string {
  return clockFormat.format(typeof iso === 'string' ? new Date(iso) : iso);
}

/** `{ a: [0, 1], b: [] }` → `a: 0,1 · b: idle` */
export function formatAssignment(assignment: Record<string, readonly number[]>): string {
  const entries = Object.entries(assignment);
  if (entries.length === 0) return 'no members';
  return entries.map(([instance, partitions]) => `${instance}: ${partitions.join(',') || 'idle'}`).join(' · ');
}

export const DASH = '—';
