import type { Plan, PlannedPost } from './types.js';

const postKeys: (keyof PlannedPost)[] = [
  'platform',
  'account',
  'languages',
  'strategy',
  'format',
  'text',
  'thread',
  'title',
  'localizations',
  'defaultLanguage',
  'tags',
  'link',
  'media',
  'skippedMedia',
  'lengths',
  'cost',
  'schedule',
  'reminder',
  'notes',
  'warnings',
  'errors',
];

/** The plan as `--json` prints it, keys in the documented order (README, "The plan as JSON"). */
export function planToJson(plan: Plan): string {
  const posts = plan.posts.map((post) =>
    Object.fromEntries(
      postKeys
        .filter((key) => post[key] !== undefined)
        .map((key) => [key, key === 'media' ? post.media.map(({ file: _file, ...media }) => media) : post[key]]),
    ),
  );
  return `${JSON.stringify({ ...plan, posts }, null, 2)}\n`;
}
