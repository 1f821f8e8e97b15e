import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { LeaseHolder } from '../store/store.js';

/**
 * This process as a holder of leases on posts: `pid@host#nonce`. Another holder on this host whose process
 * is gone is dead at once; on another host only its lease running out says so (a shared record).
 */
export function leaseHolder(leaseMs: number): LeaseHolder {
  const host = hostname();
  const id = `${process.pid}@${host}#${randomBytes(3).toString('hex')}`;
  const verdicts = new Map<string, boolean>();
  return {
    id,
    leaseMs,
    isDead(other) {
      const known = verdicts.get(other);
      if (known !== undefined) return known;
      const match = /^(\d+)@(.*)#[0-9a-f]+$/.exec(other);
      const dead = Boolean(match && match[2] === host && other !== id && !isRunning(Number(match[1])));
      verdicts.set(other, dead);
      return dead;
    },
  };
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
