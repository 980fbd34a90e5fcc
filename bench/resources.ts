// RSS and CPU of the processes a phase runs, read from /proc while it runs (Linux): what each one costs.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const PAGE_BYTES = 4096;

export interface ProcessUse {
  name: string;
  /** Highest resident set seen, MB (for a tree: summed over its processes at each sample). */
  rssMaxMb: number;
  /** Mean CPU over the phase, percent of one core. */
  cpuPercent: number;
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The process and all of its descendants (PostgreSQL is a postmaster with one backend per connection). */
function tree(pid: number): number[] {
  return [pid, ...children(pid).flatMap(tree)];
}

function read(pid: number): { ticks: number; rssBytes: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state(0) … utime(11) stime(12) … rss(21), counted from the field after ')'.
    return { ticks: Number(fields[11]) + Number(fields[12]), rssBytes: Number(fields[21]) * PAGE_BYTES };
  } catch {
    return undefined; // exited
  }
}

/**
 * Samples every 250 ms until stop(). `processes`: name → pid (a tree is followed for each); pids may be
 * added later (an instance started during the phase).
 */
export function sampleResources(processes: Map<string, number>) {
  const start = new Map<number, number>(); // pid → ticks at its first sample
  const last = new Map<number, number>();
  const owner = new Map<number, string>(); // pid → the name it was sampled under (kept after it exits)
  const rssMax = new Map<string, number>();
  const began = Date.now();
  const tick = () => {
    for (const [name, root] of processes) {
      let rss = 0;
      for (const pid of tree(root)) {
        const now = read(pid);
        if (!now) continue;
        if (!start.has(pid)) start.set(pid, now.ticks);
        last.set(pid, now.ticks);
        owner.set(pid, name);
        rss += now.rssBytes;
      }
      rssMax.set(name, Math.max(rssMax.get(name) ?? 0, rss));
    }
  };
  tick();
  const timer = setInterval(tick, 250);
  return {
    stop(): ProcessUse[] {
      clearInterval(timer);
      tick();
      const seconds = (Date.now() - began) / 1000;
      return [...processes.keys()].map((name) => {
        let ticks = 0;
        for (const [pid, of] of owner) if (of === name) ticks += (last.get(pid) ?? 0) - (start.get(pid) ?? 0);
        return {
          name,
          rssMaxMb: Math.round((rssMax.get(name) ?? 0) / 1e6),
          cpuPercent: Math.round((ticks / TICKS_PER_SECOND / seconds) * 100),
        };
      });
    },
  };
}
