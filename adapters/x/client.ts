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
 * (x.md §10). The library picks JSON bodies for paths that start with /2/; below a prefix such as
 * `/x/2/tweets` it would not, so the plugin keeps the choice the real address would have made.
 */
export async function createXClient(baseUrl: string, credentials: XCredentials): Promise<TwitterApi> {
  const { TwitterApi } = await import('twitter-api-v2');
  const base = baseUrl.replace(/\/+$/, '');
  if (base === 'https://api.x.com') return new TwitterApi(credentials);
  const redirect = {
    onBeforeRequestConfig({ params }: { params: { url: string; method: string; forceBodyMode?: string } }) {
      const original = new URL(params.url);
      if (!params.forceBodyMode) {
        if (original.pathname.startsWith('/2/')) params.forceBodyMode = 'json';
        else if (original.hostname === 'upload.x.com' && original.pathname === '/1.1/media/upload.json') params.forceBodyMode = 'form-data';
      }
      params.url = params.url.replace(realHosts, base);
    },
  };
  const agent = base.startsWith('http:') ? { httpAgent: new http.Agent({ keepAlive: true }) } : {};
  return new TwitterApi(credentials, { plugins: [redirect as never], ...agent });
}
