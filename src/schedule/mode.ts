import type { Adapter } from '../plan/adapter.js';
import type { PostSchedule } from '../plan/types.js';

const day = 24 * 3600_000;

function describeSpan(ms: number): string {
  return ms >= 2 * day ? `${Math.round(ms / day)} days` : ms >= 3600_000 ? `${Math.round(ms / 3600_000)} hours` : `${Math.round(ms / 60_000)} minutes`;
}

/**
 * How a post waits for its time: the platform's own scheduling when the platform has it, config chooses it
 * (`platforms.<name>.schedule`, "native" by default) and the time is within the window the platform takes;
 * otherwise ip-post's queue, which `ip-post run-due` works through.
 */
export function chooseSchedule(adapter: Pick<Adapter, 'label' | 'nativeScheduling'>, chosen: unknown, at: Date, timezone: string, now: number): PostSchedule {
  const native = adapter.nativeScheduling;
  const queue = (why: string): PostSchedule => ({ at: at.toISOString(), timezone, mode: 'queue', why });
  if (!native) return queue(`${adapter.label} has no scheduling of its own: \`ip-post run-due\` publishes it`);
  if (chosen === 'queue') return queue('config chooses ip-post’s queue: `ip-post run-due` publishes it');
  const ahead = at.getTime() - now;
  if (ahead < native.minAheadMs || (native.maxAheadMs !== undefined && ahead > native.maxAheadMs)) {
    return queue(`${adapter.label} schedules posts only ${native.window} (this is ${describeSpan(ahead)} ahead): \`ip-post run-due\` publishes it`);
  }
  return { at: at.toISOString(), timezone, mode: 'native', why: `${adapter.label} publishes it at its time` };
}
