import type { OpsSnapshot } from '@metalmart/contracts';
import { formatAssignment, formatClock } from '../format.ts';
import { Section } from './Section.tsx';

/** Who is in the consumer group and what it owns, then how that changed: watch a rebalance happen. */
export function GroupMembers({ snapshot }: { snapshot: OpsSnapshot }) {
  const { members } = snapshot.group;
  return (
    <Section title="Group members">
      {members.length === 0 ? (
        <p className="ops-muted">No members: no Order Processor is consuming.</p>
      ) : (
        <ul className="ops-members" aria-label="Members">
          {members.map((member) => (
            <li key={member.memberId} className="ops-member" data-instance={member.instance}>
              <span className="ops-member__name mono">{member.instance}</span>
              <span className="ops-member__host">{member.host}</span>
              {/* More members than partitions leaves some idle: a spare, not a fault. */}
              <span
                className={`ops-member__partitions${member.partitions.length === 0 ? ' ops-member__partitions--idle' : ''}`}
              >
                {member.partitions.length === 0 ? 'idle' : `partitions ${member.partitions.join(', ')}`}
              </span>
            </li>
          ))}
        </ul>
      )}

      <h3 id="ops-rebalances-title">Rebalances</h3>
      {snapshot.rebalances.length === 0 ? (
        <p className="ops-muted">No membership changes seen yet.</p>
      ) : (
        // The API sends them newest first already.
        <ol className="ops-timeline" aria-labelledby="ops-rebalances-title">
          {snapshot.rebalances.map((rebalance) => (
            <li
              key={`${rebalance.at}-${rebalance.state}-${formatAssignment(rebalance.assignment)}`}
              className="ops-timeline__entry"
            >
              <time dateTime={rebalance.at} className="mono">
                {formatClock(rebalance.at)}
              </time>
              <span className="ops-timeline__state">{rebalance.state}</span>
              <span className="ops-timeline__assignment mono">{formatAssignment(rebalance.assignment)}</span>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
