import { adapters } from '../adapters/index.js';
import { describeSize } from './media.js';
import type { Colors } from './output.js';
import { formatSeconds } from './plan/checks.js';
import type { LengthCheck, Plan, PlannedMedia, PlannedPost } from './plan/types.js';
import { describeInstant } from './schedule/when.js';

/** 63,206: digit groups for the preview's own figures (an Intl.NumberFormat would cost 4 ms of locale data at startup). */
const grouped = (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The dry-run's human output: one card per post, exactly the text that would be sent, then a summary. */
export function renderPreview(plan: Plan, c: Colors): string {
  const lines: string[] = [];
  lines.push(c.bold(`${plan.announcement}`) + c.dim(` · ${plan.file} · ${plan.languages.join(', ')} · times in ${plan.timezone}`));
  for (const warning of plan.warnings) lines.push(c.yellow(`⚠ ${warning}`));
  for (const post of plan.posts) lines.push('', ...renderCard(post, c));
  lines.push('', summary(plan, c));
  return `${lines.join('\n')}\n`;
}

export function renderCard(post: PlannedPost, c: Colors): string[] {
  const label = adapters[post.platform].label;
  const header = [label, post.account ?? 'account not configured', `${post.languages.join(', ')} (${post.strategy})`, post.format].join(' · ');
  const lines = [c.bold(c.cyan(`━━ ${header}`))];
  const field = (name: string, value: string) => `  ${c.dim(name.padEnd(8))} ${value}`;
  if (post.reminder) lines.push(field('reminder', `${post.reminder.before} before the event`));
  if (post.schedule) lines.push(field('when', `${c.bold(describeInstant(new Date(post.schedule.at), post.schedule.timezone))} — ${post.schedule.why}`));
  const body = (text: string) => text.split('\n').map((line) => `${c.dim('│')} ${line}`);

  if (post.title !== undefined) lines.push(`${c.dim('│')} ${c.bold(post.title)}`, c.dim('│'));
  if (post.thread && post.thread.length > 1) {
    post.thread.forEach((part, index) => {
      if (index > 0) lines.push(c.dim(`├─ reply ${index + 1}`));
      lines.push(...body(part));
    });
  } else {
    lines.push(...body(post.text));
  }
  if (post.localizations) {
    for (const [language, localization] of Object.entries(post.localizations)) {
      if (language === post.defaultLanguage) continue;
      lines.push(c.dim(`├─ ${language} localization`), `${c.dim('│')} ${c.bold(localization.title)}`, c.dim('│'), ...body(localization.description));
    }
  }
  for (const media of post.media) lines.push(...describeMedia(media, c, field));
  for (const skipped of post.skippedMedia ?? []) lines.push(field('skipped', `${skipped.source} — ${skipped.reason}`));
  if (post.tags?.length) lines.push(field('tags', post.tags.join(', ')));
  for (const check of post.lengths) lines.push(field('length', describeLength(check, c)));
  if (post.cost) {
    const links = post.cost.postsWithLink ? `, ${post.cost.postsWithLink} with a link` : '';
    lines.push(field('cost', `${post.cost.posts} post${post.cost.posts === 1 ? '' : 's'}${links} ≈ $${post.cost.usd.toFixed(3)} (${post.cost.note})`));
  }
  for (const note of post.notes) lines.push(field('note', c.dim(note)));
  for (const warning of post.warnings) lines.push(field('warning', c.yellow(warning)));
  for (const error of post.errors) lines.push(field('error', c.red(error)));
  return lines;
}

function describeMedia(media: PlannedMedia, c: Colors, field: (name: string, value: string) => string): string[] {
  const facts = [
    media.type,
    media.width && media.height ? `${media.width}×${media.height}` : undefined,
    media.duration !== undefined ? formatSeconds(media.duration) : undefined,
    media.bytes !== undefined ? describeSize(media.bytes) : undefined,
    media.convertTo ? `→ converted to ${media.convertTo}` : undefined,
  ].filter(Boolean);
  const lines = [field(media.role ?? 'media', `${media.source} (${facts.join(', ')})`)];
  if (media.kind === 'image' && !media.role) lines.push(field('', media.alt ? `alt: ${media.alt}` : c.yellow('no alt text')));
  if (media.publicUrl) lines.push(field('', `served from ${media.publicUrl}`));
  return lines;
}

function describeLength(check: LengthCheck, c: Colors): string {
  const text = `${check.field} ${grouped(check.length)} / ${grouped(check.max)} ${check.unit}`;
  return check.length > check.max ? c.red(`${text} — over the limit`) : text;
}

function summary(plan: Plan, c: Colors): string {
  const count = (items: number, word: string) => `${items} ${word}${items === 1 ? '' : 's'}`;
  const platforms = new Set(plan.posts.map((post) => post.platform)).size;
  const warnings = plan.warnings.length + plan.posts.reduce((sum, post) => sum + post.warnings.length, 0);
  const errors = plan.posts.reduce((sum, post) => sum + post.errors.length, 0);
  const later = plan.posts.filter((post) => post.schedule).length;
  const timing = later === 0 ? '' : later === plan.posts.length ? ', all scheduled' : `, ${later} scheduled`;
  const head = `${count(plan.posts.length, 'post')}${timing} on ${count(platforms, 'platform')} · ${count(warnings, 'warning')} · ${count(errors, 'error')}`;
  const ready = later === 0 ? 'ready to publish' : later === plan.posts.length ? 'ready to schedule' : 'ready to publish and schedule';
  return errors ? c.red(`${head}: fix the errors before publishing`) : c.green(`${head}: ${ready}`);
}
