import type { youtube_v3 } from '@googleapis/youtube';

export interface YouTubeAccess {
  baseUrl: string;
  uploadBaseUrl?: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface YouTubeClient {
  youtube: youtube_v3.Youtube;
  /** Per-call options every media method needs: googleapis ignores the client's rootUrl for uploads (youtube.md §9). */
  uploadOptions: { rootUrl: string };
  /** An `Authorization` header for requests made without the library (the resumable upload). */
  authorization(): Promise<string>;
}

/** The googleapis YouTube client for any base URL, refreshing its access token at `tokenUrl`. */
export async function createYouTubeClient(access: YouTubeAccess): Promise<YouTubeClient> {
  const { youtube, auth } = await import('@googleapis/youtube');
  const rootUrl = `${access.baseUrl.replace(/\/+$/, '')}/`;
  const oauth = new auth.OAuth2({ clientId: access.clientId, clientSecret: access.clientSecret, endpoints: { oauth2TokenUrl: access.tokenUrl } });
  oauth.setCredentials({ refresh_token: access.refreshToken });
  return {
    youtube: youtube({ version: 'v3', auth: oauth, rootUrl }),
    uploadOptions: { rootUrl: `${(access.uploadBaseUrl ?? access.baseUrl).replace(/\/+$/, '')}/` },
    async authorization() {
      const { token } = await oauth.getAccessToken();
      return `Bearer ${token}`;
    },
  };
}
