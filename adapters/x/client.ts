import http from 'node:http';
import type { TwitterApi } from 'twitter-api-v2';

export interface XCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

const realHosts = /^https:\/\/(api|upload)\.x\.com/;

/**
 * A twitter-api-v2 client for X at `baseUrl`: the real API, or any server that stands in for it.
 * The library has its hosts built in, so for another base URL a plugin rewrites each request's address
 * (x.md §10); below a path prefix it also keeps the JSON body the real /2/ path would have had. The same
 * plugin gives every request a time limit, which the library otherwise takes per call.
 */
export async function createXClient(baseUrl: string, credentials: XCredentials, options: { timeoutMs?: number } = {}): Promise<TwitterApi> {
  const { TwitterApi } = await import('twitter-api-v2');
  const base = baseUrl.replace(/\/+$/, '');
  const real = base === 'https://api.x.com';
  const plugin = {
    onBeforeRequestConfig({ params }: { params: { url: string; method: string; forceBodyMode?: string; timeout?: number } }) {
      if (options.timeoutMs) params.timeout ??= options.timeoutMs;
      if (real) return;
      const original = new URL(params.url);
      if (!params.forceBodyMode) {
        if (original.pathname.startsWith('/2/')) params.forceBodyMode = 'json';
        else if (original.hostname === 'upload.x.com' && original.pathname === '/1.1/media/upload.json') params.forceBodyMode = 'form-data';
      }
      params.url = params.url.replace(realHosts, base);
    },
  };
  const agent = base.startsWith('http:') ? { httpAgent: new http.Agent({ keepAlive: true }) } : {};
  return new TwitterApi(credentials, { plugins: [plugin as never], ...agent });
}
