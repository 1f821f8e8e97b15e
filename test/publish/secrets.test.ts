import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { example } from '../helpers.js';
import { useSandbox } from '../sandbox/helpers.js';
import { publishing } from './helpers.js';

const sandbox = useSandbox();

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)])));
  return nested.flat();
}

describe('secrets never leave the environment', () => {
  it('appear in no output, message or record file, whatever happens during publishing', async () => {
    const secrets = Object.values(sandbox().credentials());
    expect(secrets.length).toBeGreaterThanOrEqual(10);
    const session = await publishing(sandbox());
    const outputs: string[] = [];
    const run = async (args: string[]) => {
      const result = await session.cli(args);
      outputs.push(result.stdout, result.stderr);
      return result;
    };

    await run(['announce', example('seminar.yml'), '--yes']);
    await run(['announce', example('volunteers.yml'), '--yes', '--json']);
    // Every platform refusing its token, and servers failing: error paths carry request headers.
    for (const platform of ['facebook', 'instagram', 'x', 'youtube', 'tiktok']) {
      sandbox().faults.add({ platform, kind: 'expired-token' });
      sandbox().faults.add({ platform, kind: 'server-error', times: 2 });
    }
    const failed = await run(['announce', example('field-trip.yml'), '--yes', '--json']);
    const runId = (JSON.parse(failed.stdout) as { run: string }).run;
    await run(['retry', runId]);
    await run(['history']);
    await run(['history', runId, '--json']);
    await run(['config']);
    await run(['config', '--json']);
    await run(['announce', example('seminar.yml'), '--dry-run', '--json']);
    // Issued access tokens (YouTube's come from the token endpoint) count as secrets too.
    const issued = sandbox().records.list().length > 0 ? ['ya29.sandbox-'] : [];

    const recordFiles = (await filesUnder(dirname(session.db))).filter((file) => !file.endsWith('config.json'));
    expect(recordFiles.some((file) => file.endsWith('record.db'))).toBe(true);
    const contents = [...outputs, ...(await Promise.all(recordFiles.map(async (file) => ((await stat(file)).isFile() ? (await readFile(file)).toString('latin1') : ''))))];
    for (const secret of [...secrets, ...issued]) {
      for (const [index, text] of contents.entries()) {
        expect(text.includes(secret), `"${secret}" in ${index < outputs.length ? `output ${index}` : recordFiles[index - outputs.length]}`).toBe(false);
      }
    }
    expect(outputs.join('\n')).toContain('access token');
  }, 60_000);
});
