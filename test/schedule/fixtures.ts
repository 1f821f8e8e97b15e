import { join } from 'node:path';
import { loadAnnouncement } from '../../src/announcement/load.js';
import { loadConfig, pointAtSandbox } from '../../src/config.js';
import { buildPlan } from '../../src/plan/plan.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { Store } from '../../src/store/store.js';
import { example, writeFiles } from '../helpers.js';

/** An announcement of its own for each number, so that no two posts have the same text (X refuses duplicates). */
function announcementText(index: number, platforms: string[]): string {
  return `id: event-${index}
languages: [lv]
platforms: [${platforms.join(', ')}]
event:
  title: "Seminārs nr. ${index}: NVO darbs Latgalē"
  start: 2027-06-08T10:00
  timezone: Europe/Riga
  place: "Daugavpils"
  url: https://www.intelektaparks.lv/pasakumi/${index}
text: "Seminārs nr. ${index} biedrību biedriem un ikvienam interesentam."
hashtags: [IntelektaParks]
media:
  - path: ${example('media/poster.jpg')}
    alt: "Plakāts nr. ${index}"
  - path: ${example('media/teaser.mp4')}
`;
}

/**
 * Puts `count` announcements into the record as queued posts due at `due`, planned exactly as `announce --at`
 * plans them (the plan's code, the sandbox's config), without running the CLI for each: a test of run-due
 * needs many due posts quickly.
 */
export async function queueAnnouncements(options: { sandbox: Sandbox; db: string; configFile: string; count: number; platforms: string[]; due: string }): Promise<number> {
  const dir = await writeFiles(Object.fromEntries(Array.from({ length: options.count }, (_, index) => [`event-${index}.yml`, announcementText(index, options.platforms)])));
  const config = pointAtSandbox(await loadConfig(options.configFile, {}), { url: options.sandbox.url, config: options.sandbox.config() });
  // Runs into the sandbox, as `announce --sandbox` records them: run-due --sandbox works on those alone.
  const store = await Store.open(options.db, { sandbox: true });
  let posts = 0;
  try {
    for (let index = 0; index < options.count; index++) {
      const file = join(dir, `event-${index}.yml`);
      const announcement = await loadAnnouncement(file, { defaultTimezone: 'Europe/Riga', knownLanguages: ['lv', 'ru', 'en'] });
      const plan = await buildPlan(announcement, config, {});
      if (!plan.publishable) throw new Error(`event-${index}: ${plan.posts.flatMap((post) => post.errors).join('; ')}`);
      const rows = plan.posts.map((post) => ({ plan: { ...post, schedule: { at: options.due, timezone: 'Europe/Riga', mode: 'queue' as const, why: 'test' } }, dueAt: options.due, schedule: 'queue' as const }));
      store.createRun({ id: `run-${index}`, announcement: announcement.id, file }, rows);
      posts += rows.length;
    }
  } finally {
    store.close();
  }
  return posts;
}
