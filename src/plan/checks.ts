import type { Language } from '../announcement/model.js';
import { describeSize, type InspectedMedia } from '../media.js';
import type { LengthCheck, PlannedPost } from './types.js';

/** Rule checks that several platforms share, phrased for the officer. Limits themselves stay in each adapter. */

export function checkLength(post: PlannedPost, field: string, text: string, limit: { max: number; unit: string; measure(text: string): number }): LengthCheck {
  const check = { field, length: limit.measure(text), max: limit.max, unit: limit.unit };
  post.lengths.push(check);
  if (check.length > check.max) post.errors.push(`${field} is ${check.length} ${check.unit}; the limit is ${check.max}`);
  return check;
}

export function checkAltText(post: PlannedPost, media: InspectedMedia, group: Language[], maxLength?: number): void {
  if (media.kind !== 'image') return;
  const missing = group.filter((code) => !media.ref.alt[code]);
  if (missing.length) {
    post.warnings.push(`${media.name} has no alt text in ${missing.join(', ')}: add ${missing.map((code) => `${media.ref.field}.alt.${code}`).join(', ')}`);
  }
  if (maxLength !== undefined) {
    const planned = group.map((code) => media.ref.alt[code]).filter(Boolean).join(' / ');
    if (planned.length > maxLength) post.errors.push(`the alt text of ${media.name} is ${planned.length} characters; the limit is ${maxLength}`);
  }
}

export function checkBytes(post: PlannedPost, media: InspectedMedia, max: number, what: string): void {
  if (media.bytes !== undefined && media.bytes > max) {
    post.errors.push(`${media.name} is ${describeSize(media.bytes)}; ${what} takes at most ${describeSize(max)}`);
  }
}

export function checkDuration(post: PlannedPost, media: InspectedMedia, min: number, max: number, what: string): void {
  if (media.duration === undefined) return;
  if (media.duration < min || media.duration > max) {
    post.errors.push(`${media.name} lasts ${formatSeconds(media.duration)}; ${what} must last ${formatSeconds(min)} to ${formatSeconds(max)}`);
  }
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}

export function skip(post: PlannedPost, media: InspectedMedia, reason: string): void {
  (post.skippedMedia ??= []).push({ source: media.ref.path ?? media.ref.url!, reason });
}

/** `#word` tokens as Instagram and TikTok count them. */
export function countHashtags(text: string): number {
  return text.match(/(?<![\p{L}\p{N}_&])#[\p{L}\p{N}_]+/gu)?.length ?? 0;
}

export function countMentions(text: string): number {
  return text.match(/(?<![\p{L}\p{N}_.])@[\p{L}\p{N}_.]+/gu)?.length ?? 0;
}
