import { describe, expect, it } from 'vitest';
import type { PlatformName } from '../../adapters/names.js';
import type { FaultKind } from '../../src/sandbox/faults.js';
import { example } from '../helpers.js';
import { useSandbox } from '../sandbox/helpers.js';
import { publishing } from './helpers.js';

const sandbox = useSandbox();

/** The call on each platform that makes the post: where a fault hurts most. */
const createEndpoint: Record<PlatformName, string> = {
  facebook: 'feed.create',
  instagram: 'media.publish',
  x: 'tweets.create',
  youtube: 'videos.upload',
  tiktok: 'video.upload',
};
/** Faults that only one platform's flow meets, set where they happen. */
const endpointFor = (platform: PlatformName, kind: FaultKind) =>
  kind === 'container-error' && platform === 'instagram' ? 'media.create' : kind === 'publish-failed' && platform === 'tiktok' ? 'video.init' : createEndpoint[platform];

type Expected = { status: 'published' } | { status: 'failed'; error: RegExp };
const published: Expected = { status: 'published' };
const failed = (error: RegExp): Expected => ({ status: 'failed', error });
const refusedToken: Record<PlatformName, RegExp> = {
  facebook: /^the Facebook access token has expired: make a new long-lived Page access token/,
  instagram: /^the Instagram access token has expired: make a new access token/,
  x: /^X refused the credentials: check IP_POST_X_APP_KEY/,
  youtube: /^YouTube refused the access token: check the OAuth client and refresh token/,
  tiktok: /^the TikTok access token is invalid or has expired \(they last hours\): refresh it/,
};

/** What each fault must lead to on each platform. */
const matrix: Record<FaultKind, Partial<Record<PlatformName, Expected>> & { otherwise?: Expected }> = {
  latency: { otherwise: published },
  // The Graph API gives the wait in whole minutes, longer than this test lets a post wait (maxWaitMs): it waits for a retry.
  'rate-limit': {
    facebook: failed(/^Facebook rate limit reached \(\(#32\) Page request limit reached\): the platform asks to wait 1 min; try `ip-post retry` later$/),
    instagram: failed(/^Instagram rate limit reached \(\(#4\) Application request limit reached\): the platform asks to wait 1 min; try `ip-post retry` later$/),
    otherwise: published,
  },
  'server-error': { otherwise: published },
  reset: { otherwise: published },
  hang: { otherwise: published },
  'expired-token': Object.fromEntries(Object.entries(refusedToken).map(([platform, error]) => [platform, failed(error)])),
  duplicate: { x: failed(/^X refused it as a duplicate of an earlier post of the account: change the text/), facebook: failed(/^Facebook refused it as a duplicate of an earlier post: change the text/), otherwise: published },
  'container-error': { instagram: failed(/^Instagram could not process the media \(Error: Media upload has failed with error code 2207082\)/), otherwise: published },
  'publish-failed': { tiktok: failed(/^TikTok failed to publish it \(an internal error\): `ip-post retry` tries again$/), otherwise: published },
  'quota-exceeded': { youtube: failed(/^YouTube’s daily quota is used up: it resets at midnight Pacific time/), otherwise: published },
};

describe('every fault on every platform: published exactly once, or failed with the right message', () => {
  for (const [kind, expectations] of Object.entries(matrix) as [FaultKind, (typeof matrix)[FaultKind]][]) {
    it(kind, async () => {
      for (const platform of Object.keys(createEndpoint) as PlatformName[]) {
        sandbox().faults.add({ platform, endpoint: endpointFor(platform, kind), kind, retryAfter: 1, latencyMs: 200, afterBytes: 0, status: 503 });
      }
      const session = await publishing(sandbox(), { network: { attempts: 4, backoffMs: 10, maxWaitMs: 5000, pollMs: 20, timeoutMs: 1500 } });
      const { result } = await session.publish(example('seminar.yml'), ['--lang', 'lv']);
      for (const post of result.posts) {
        const platform = post.platform as PlatformName;
        const expected = expectations[platform] ?? expectations.otherwise!;
        const onPlatform = sandbox().records.list(platform);
        if (expected.status === 'published') {
          expect(post.status, `${kind} on ${platform}: ${post.error}`).toBe('published');
          expect(onPlatform, `${kind} on ${platform}`).toHaveLength(1);
          expect(post.id).toBe(onPlatform[0]!.id);
        } else {
          expect(post.status, `${kind} on ${platform}`).toBe('failed');
          expect(post.error, `${kind} on ${platform}`).toMatch(expected.error);
          expect(onPlatform, `${kind} on ${platform}`).toHaveLength(0);
        }
      }
      const fired = sandbox().faults.list().filter((fault) => fault.fired > 0).map((fault) => fault.platform);
      expect(fired.length, `${kind} fired somewhere`).toBeGreaterThan(0);
    }, 60_000);
  }
});
