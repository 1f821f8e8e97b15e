import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { example, jpegHeader, runCli, writeFiles } from './helpers.js';

const seminar = await readFile(example('seminar.yml'), 'utf8');
const poster = await readFile(example('media/poster.jpg'));
const teaser = await readFile(example('media/teaser.mp4'));

/** Runs a dry-run of `event.yml` made by changing seminar.yml, from the folder it is in. */
async function dryRun(yaml: string, options: { args?: string[]; files?: Record<string, string | Buffer> } = {}) {
  const dir = await writeFiles({ 'event.yml': yaml, 'media/poster.jpg': poster, 'media/teaser.mp4': teaser, ...options.files });
  return runCli(['announce', 'event.yml', '--dry-run', ...(options.args ?? [])], { cwd: dir });
}

function changed(from: string, to: string): string {
  expect(seminar).toContain(from);
  return seminar.replace(from, to);
}

/** Every bad input ends the same way: exit 2, nothing on stdout, no stack trace. */
function expectBadInput(result: { code: number | null; stdout: string; stderr: string }, message: string): void {
  expect(result.stderr).toBe(message);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('bad input gets one clear message per problem, exit code 2', () => {
  it('a missing file', async () => {
    const dir = await writeFiles({});
    expectBadInput(await runCli(['announce', 'nope.yml', '--dry-run'], { cwd: dir }), 'ip-post: nope.yml: no such announcement file\n  fix: check the path and the current folder\n');
  });

  it('an empty file', async () => {
    expectBadInput(await dryRun(''), 'ip-post: event.yml: the announcement file is empty\n  fix: write the announcement in YAML or JSON (see the README)\n');
  });

  it('broken YAML, with its line', async () => {
    expectBadInput(
      await dryRun('id: x\nlanguages: [lv\nplatforms: [x]\n'),
      'ip-post: event.yml:3: not valid YAML/JSON: Flow sequence in block collection must be sufficiently indented and end with a ]\n' +
        '  fix: check indentation, colons and quotes on that line (a value containing ": " or starting with a quote must be quoted as a whole)\n',
    );
  });

  it('a wrong type', async () => {
    expectBadInput(
      await dryRun(changed('seats: 35', 'seats: many')),
      'ip-post: event.yml:20: event.seats: must be a number, not the text "many"\n  fix: write the number of places as a whole number, e.g. 35\n',
    );
  });

  it('an unknown language', async () => {
    expectBadInput(
      await dryRun(changed('languages: [lv, ru, en]', 'languages: [lv, ru, xx]')),
      'ip-post: event.yml:3: languages[2]: no wording for language "xx" (known: en, lv, ru)\n  fix: add templates/languages/xx.yml (copy en.yml and translate it), or fix the code\n',
    );
  });

  it('an unknown platform', async () => {
    expectBadInput(
      await dryRun(changed('platforms: [facebook, instagram, x, youtube, tiktok]', 'platforms: [facebook, instagrm]')),
      'ip-post: event.yml:4: platforms[1]: "instagrm" is not known\n  fix: use one of: facebook, instagram, x, youtube, tiktok\n',
    );
  });

  it('an end before the start', async () => {
    expectBadInput(
      await dryRun(changed('end: 2027-06-09T16:00', 'end: 2027-06-07T16:00')),
      'ip-post: event.yml:12: event.end: the event ends (2027-06-07T16:00) before it starts (2027-06-08T10:00)\n  fix: set event.end after event.start, or remove event.end\n',
    );
  });

  it('a date that is not a date', async () => {
    expectBadInput(
      await dryRun(changed('start: 2027-06-08T10:00', 'start: 8 June 2027')),
      'ip-post: event.yml:11: event.start: "8 June 2027" is not a date and time\n  fix: write the local start time like 2027-06-08T10:00 (or a date like 2027-06-08 for an all-day event)\n',
    );
  });

  it('an event time that the clocks skip, or pass twice, on a change of summer time', async () => {
    const skipped = await dryRun(changed('start: 2027-06-08T10:00\n  end: 2027-06-09T16:00', 'start: 2027-03-28T03:30'));
    expectBadInput(
      skipped,
      'ip-post: event.yml:11: event.start: "2027-03-28T03:30" does not exist in Europe/Riga: on 2027-03-28 the clocks go forward from 03:00 to 04:00 (EET to EEST), skipping 03:00–03:59\n  fix: write 2027-03-28 02:59 (just before the change) or 2027-03-28 04:00 (just after it)\n',
    );
    const twice = await dryRun(changed('start: 2027-06-08T10:00\n  end: 2027-06-09T16:00', 'start: 2027-10-31T03:30'));
    expect(twice.stderr).toContain('event.start: "2027-10-31T03:30" happens twice in Europe/Riga');
    // With its offset it is one instant, and fine.
    const chosen = await dryRun(changed('start: 2027-06-08T10:00\n  end: 2027-06-09T16:00', 'start: 2027-10-31T03:30+02:00'), { args: ['--json'] });
    expect(chosen.code, chosen.stderr).toBe(0);
  });

  it('a missing media file', async () => {
    const result = await dryRun(changed('path: media/poster.jpg', 'path: media/posterr.jpg'));
    expect(result.stderr).toMatch(/^ip-post: event\.yml:42: media\[0\]\.path: no such file: media\/posterr\.jpg \(looked in .+\)\n  fix: check the name; media paths are relative to the announcement file\n$/);
    expect(result.code).toBe(2);
  });

  it('a media file that is neither image nor video', async () => {
    expectBadInput(
      await dryRun(seminar, { files: { 'media/poster.jpg': 'not an image' } }),
      'ip-post: event.yml:42: media[0].path: media/poster.jpg is not an image or video ip-post can read\n  fix: use a JPEG, PNG, WebP or GIF image, or an MP4, MOV or WebM video\n',
    );
  });

  it('an unknown time zone', async () => {
    expectBadInput(
      await dryRun(changed('timezone: Europe/Riga', 'timezone: Europe/Rīga')),
      'ip-post: event.yml:13: event.timezone: unknown time zone "Europe/Rīga"\n  fix: use an IANA time zone name such as Europe/Riga\n',
    );
  });

  it('a misspelt field, and the field it should have been', async () => {
    expectBadInput(
      await dryRun(changed('\n  title:\n', '\n  titel:\n')),
      'ip-post: event.yml:6: event.title: is missing\n  fix: give the title in every language, e.g. title: { lv: "…", ru: "…" }\n' +
        'ip-post: event.yml:7: event.titel: unknown field "titel"\n  fix: remove it or correct the spelling; allowed here: title, start, end, timezone, place, url, registration, seats\n',
    );
  });

  it('a text missing in one language', async () => {
    const withoutEnglish = changed('  en: |\n    A two-day seminar', '  de: |\n    A two-day seminar');
    expectBadInput(
      await dryRun(withoutEnglish),
      'ip-post: event.yml:33: text.de: "de" is not one of the announcement\'s languages (lv, ru, en)\n  fix: add de to languages, or remove this text\n' +
        'ip-post: event.yml:22: text: has no en text\n  fix: add en: "…" (every language in languages needs one)\n',
    );
  });

  it('a web address without https://', async () => {
    expectBadInput(
      await dryRun(changed('registration: https://www.intelektaparks.lv/pieteikties', 'registration: intelektaparks.lv/pieteikties')),
      'ip-post: event.yml:19: event.registration: "intelektaparks.lv/pieteikties" is not a web address\n  fix: write a full address starting with https://\n',
    );
  });

  it('a JSON announcement with a wrong type names its line too', async () => {
    const json = JSON.stringify({ id: 'x', languages: ['lv'], platforms: ['facebook'], event: { title: 'T', start: '2027-06-08T10:00', place: 'P' }, text: 42 }, null, 2);
    const dir = await writeFiles({ 'event.json': json });
    expectBadInput(
      await runCli(['announce', 'event.json', '--dry-run'], { cwd: dir }),
      'ip-post: event.json:14: text: must be text or a map by language (lv: …, ru: …), not the number 42\n  fix: give the announcement text in every language, e.g. text: { lv: "…", ru: "…" }\n',
    );
  });

  it('an override for a platform that does not exist', async () => {
    expectBadInput(
      await dryRun(changed('overrides:\n  x:', 'overrides:\n  twitter:')),
      'ip-post: event.yml:50: overrides.twitter: unknown field "twitter"\n  fix: remove it or correct the spelling; allowed here: facebook, instagram, x, youtube, tiktok\n',
    );
  });
});

describe('bad flags', () => {
  it('--only with a platform that does not exist', async () => {
    expectBadInput(await dryRun(seminar, { args: ['--only', 'youtub'] }), 'ip-post: --only: "youtub" is not a platform\n  fix: use some of: facebook, instagram, x, youtube, tiktok\n');
  });

  it('--only with a platform the announcement does not use', async () => {
    expectBadInput(
      await dryRun(changed('platforms: [facebook, instagram, x, youtube, tiktok]', 'platforms: [facebook, x]'), { args: ['--only', 'youtube'] }),
      "ip-post: --only: youtube is not among the announcement's platforms (facebook, x)\n  fix: add youtube to platforms in event.yml, or leave it out of --only\n",
    );
  });

  it('--lang with a language the announcement does not have', async () => {
    expectBadInput(await dryRun(seminar, { args: ['--lang', 'de'] }), "ip-post: --lang: de is not among the announcement's languages (lv, ru, en)\n  fix: name languages the announcement has\n");
  });

  it('an unknown option or command', async () => {
    const option = await dryRun(seminar, { args: ['--dry-runn'] });
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("ip-post: unknown option '--dry-runn'\n(Did you mean --dry-run?)");
    const fix = '  fix: `ip-post --help` lists the commands, `ip-post COMMAND --help` their options\n';
    const command = await runCli(['frobnicate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe(`ip-post: unknown command 'frobnicate'\n${fix}`);
    const subcommand = await runCli(['queue', 'bogus']);
    expect([subcommand.code, subcommand.stderr]).toEqual([2, 'ip-post: queue: unknown command "bogus"\n  fix: use ip-post queue [list], show ID, cancel ID…, or reschedule ID WHEN\n']);
  });

  it('no announcement file', async () => {
    expectBadInput(await runCli(['announce', '--dry-run']), 'ip-post: no announcement file given\n  fix: name one: ip-post announce event.yml --dry-run (examples/ has some to copy)\n');
  });
});

describe('bad config', () => {
  async function withConfig(config: unknown) {
    const dir = await writeFiles({ 'config.json': typeof config === 'string' ? config : JSON.stringify(config, null, 2), 'event.yml': seminar, 'media/poster.jpg': poster, 'media/teaser.mp4': teaser });
    return runCli(['announce', 'event.yml', '--dry-run', '--config', 'config.json'], { cwd: dir });
  }

  it('a secret written into the config is refused without repeating it', async () => {
    const result = await withConfig({ platforms: { facebook: { pageId: '1', accessToken: 'EAAB-secret-value-123' } } });
    expectBadInput(
      result,
      'ip-post: config.json:5: platforms.facebook.accessToken: secrets are never written in the config file (found "accessToken")\n' +
        '  fix: remove it, put the value in an environment variable (or a .env file) and write that variable\'s name in "accessTokenEnv"\n',
    );
    expect(result.stderr).not.toContain('EAAB');
  });

  it('a value that is not an environment variable name is not repeated either', async () => {
    const message = (line: number) =>
      `ip-post: config.json:${line}: platforms.x.accessTokenEnv: must be the name of an environment variable in capitals, e.g. IP_POST_FACEBOOK_TOKEN, not the secret itself (which goes in that variable or a .env file)\n  fix: name the environment variable holding the user access token\n`;
    expectBadInput(await withConfig({ platforms: { x: { accessTokenEnv: 'AAAA secret token' } } }), message(4));
    // A token pasted where the variable's name goes looks like a name to a shell, but not like one people write.
    for (const pasted of ['EAAGm0PX4ZCpsBAKxyz123abcDEF', '1500000000000000000xK9qLmNoPqRsTuVw', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123']) {
      const result = await withConfig({ platforms: { x: { accessTokenEnv: pasted } } });
      expectBadInput(result, message(4));
      expect(result.stderr).not.toContain(pasted.slice(0, 8));
    }
  });

  it('a language strategy the platform does not offer', async () => {
    expectBadInput(
      await withConfig({ platforms: { youtube: { languages: 'separate' } } }),
      'ip-post: config.json:4: platforms.youtube.languages: "separate" is not known\n  fix: use one of: localized, combined\n',
    );
  });

  it('a config file that does not exist', async () => {
    const dir = await writeFiles({});
    expectBadInput(await runCli(['announce', example('seminar.yml'), '--dry-run', '--config', 'missing.json'], { cwd: dir }), 'ip-post: missing.json: no such config file\n  fix: check the path and the current folder\n');
  });

  it('an unknown time zone and a templates folder that is not there', async () => {
    expectBadInput(await withConfig({ timezone: 'Riga' }), 'ip-post: config.json:2: timezone: unknown time zone "Riga"\n  fix: use an IANA time zone name such as Europe/Riga\n');
    const result = await withConfig({ templates: 'my-templates' });
    expect(result.stderr).toMatch(/^ip-post: config\.json:2: templates: no such folder: .+my-templates\n  fix: give the folder with your own templates, relative to this config file\n$/);
    expect(result.code).toBe(2);
  });
});

describe('a plan with errors exits 1, not 2', () => {
  it('YouTube without a video', async () => {
    const dir = await writeFiles({
      'event.yml': 'id: no-video\nlanguages: [lv]\nplatforms: [youtube]\nevent: { title: T, start: 2027-06-08T10:00, place: P }\ntext: Teksts.\nmedia: [{ path: p.jpg, alt: Foto }]\n',
      'p.jpg': jpegHeader(1080, 1080),
    });
    const result = await runCli(['announce', 'event.yml', '--dry-run'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  error    YouTube needs a video: add one to media (an MP4, e.g. path: media/teaser.mp4)');
    expect(result.stdout).toContain('1 post on 1 platform · 1 warning · 1 error: fix the errors before publishing');
  });
});
