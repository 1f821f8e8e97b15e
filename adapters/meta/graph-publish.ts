import { openAsBlob } from 'node:fs';
import type { AxiosInstance } from 'axios';
import { isNetworkError, PublishError, waitFromHeaders } from '../../src/publish/errors.js';
import type { PublishContext } from '../../src/publish/types.js';
import type { PlannedMedia } from '../../src/plan/types.js';

/** What Facebook and Instagram publishing share, because both are Meta's Graph API (facebook.md §1, §7). */

export async function graphClient(context: PublishContext, tokenSetting: string): Promise<AxiosInstance> {
  const { default: axios } = await import('axios');
  const version = String(context.settings.apiVersion ?? 'v25.0');
  return axios.create({
    baseURL: `${context.settings.baseUrl.replace(/\/+$/, '')}/${version}`,
    timeout: context.timeoutMs,
    headers: { authorization: `Bearer ${context.secret(tokenSetting)}` },
    maxBodyLength: Number.POSITIVE_INFINITY,
    maxContentLength: Number.POSITIVE_INFINITY,
  });
}

/** A file for a multipart field, streamed from disk (never read whole), or the converted bytes. */
export async function fileBlob(context: PublishContext, media: PlannedMedia): Promise<Blob> {
  if (media.convertTo || !media.file) return new Blob([await context.media.bytes(media)], { type: media.convertTo ?? media.type });
  return openAsBlob(media.file, { type: media.type });
}

export function formData(fields: Record<string, string | number | boolean | Blob | undefined>, files: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value instanceof Blob) form.append(key, value, files[key] ?? key);
    else form.append(key, String(value));
  }
  return form;
}

interface GraphErrorBody {
  error?: { message?: string; code?: number; error_subcode?: number; error_user_msg?: string; error_user_title?: string; is_transient?: boolean; error_data?: { estimated_time_to_regain_access?: number } };
}

const tokenHelp: Record<string, string> = {
  facebook: 'make a new long-lived Page access token (Graph API Explorer → your app → pages_manage_posts → Page token) and put it in IP_POST_FACEBOOK_TOKEN',
  instagram: 'make a new access token with instagram_content_publish (or instagram_business_content_publish) and put it in IP_POST_INSTAGRAM_TOKEN',
};

/** A Graph API failure as what happened and what to do, keeping `code/subcode` for support. */
export function classifyGraph(error: unknown, platform: 'facebook' | 'instagram'): PublishError {
  if (error instanceof PublishError) return error;
  const response = (error as { response?: { status: number; data?: GraphErrorBody; headers?: Record<string, unknown> } }).response;
  const name = platform === 'facebook' ? 'Facebook' : 'Instagram';
  if (!response) {
    if (isNetworkError(error)) return new PublishError('unknown-outcome', `no answer from ${name} (${(error as Error).message})`);
    return new PublishError('fatal', `${name}: ${(error as Error).message}`);
  }
  const body = response.data?.error;
  const code = body?.code;
  const subcode = body?.error_subcode;
  const label = code === undefined ? String(response.status) : subcode ? `${code}/${subcode}` : String(code);
  const said = body?.error_user_msg ?? body?.message ?? `HTTP ${response.status}`;
  if (code === 190 || code === 102) {
    const why = subcode === 463 ? 'has expired' : subcode === 460 ? 'stopped working because the password changed' : 'is not valid';
    return new PublishError('auth', `the ${name} access token ${why}: ${tokenHelp[platform]}`, label);
  }
  if (code === 10 || (code !== undefined && code >= 200 && code < 300)) return new PublishError('auth', `${name} refused permission (${said}): grant the app the publishing permissions and make a new token`, label);
  if (code === 9 && subcode === 2207042) return new PublishError('limit', 'Instagram’s publishing limit for the last 24 hours is reached: posts free up as the oldest of them turn 24 hours old; try `ip-post retry` then', label);
  if (code === 4 && subcode === 2207051) return new PublishError('unknown-outcome', 'Instagram blocked the action as possible spam, and the post may still have been published', label);
  if ([4, 17, 32, 613, 80001, 80002].includes(code ?? -1) || response.status === 429) {
    const minutes = body?.error_data?.estimated_time_to_regain_access;
    const wait = minutes ? minutes * 60_000 : (waitFromHeaders(response.headers) ?? 60 * 60_000);
    return new PublishError('rate-limit', `${name} rate limit reached (${said})`, label, wait);
  }
  if (code === 506) return new PublishError('duplicate', `${name} refused it as a duplicate of an earlier post: change the text (or delete that post on ${name}), then \`ip-post retry\``, label);
  if (code === 368) return new PublishError('fatal', `${name} blocked the post as possibly abusive: check the Page's quality, then post by hand`, label);
  if (code === 9007 && subcode === 2207027) return new PublishError('retry', 'Instagram is still preparing the media', label);
  if (code === 9004 || subcode === 2207052) return new PublishError('input', 'Instagram could not fetch a file from the media host: it must be public on the internet (not localhost) and answer quickly', label);
  if (code === 1 || code === 2 || body?.is_transient || code === -1 || response.status >= 500) return new PublishError('retry', `${name} had a temporary error (${said})`, label);
  return new PublishError('input', `${name} refused the request: ${said}`, label);
}
