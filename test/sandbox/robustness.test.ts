import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { facebookSandbox } from '../../adapters/facebook/sandbox.js';
import { tiktokSandbox } from '../../adapters/tiktok/sandbox.js';
import { call, useSandbox } from './helpers.js';

const sandbox = useSandbox({ maxBodyBytes: 1024 * 1024 });

describe('malformed requests get the platform’s error, and the sandbox keeps running', () => {
  it('garbage JSON', async () => {
    const x = await call(`${sandbox().baseUrls.x}/2/media/metadata`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-x-user-token' }, body: '{"id": ' });
    expect([x.status, x.body.detail]).toEqual([400, 'The request body is not valid JSON.']);
    const tiktok = await call(`${sandbox().baseUrls.tiktok}/v2/post/publish/video/init/`, { method: 'POST', headers: { authorization: `Bearer ${tiktokSandbox.token}`, 'content-type': 'application/json' }, body: '{nope' });
    expect([tiktok.status, tiktok.body.error.code]).toEqual([400, 'invalid_params']);
    const facebook = await call(`${sandbox().baseUrls.facebook}/v25.0/${facebookSandbox.pageId}/feed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,' });
    expect([facebook.status, facebook.body.error.code]).toEqual([400, 100]);
    const youtube = await call(`${sandbox().baseUrls.youtube}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(youtube.status).toBe(400);
  });

  it('wrong content types', async () => {
    const facebook = await call(`${sandbox().baseUrls.facebook}/v25.0/${facebookSandbox.pageId}/feed`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' });
    expect([facebook.status, facebook.body.error.message]).toEqual([400, '(#100) the content type text/csv is not accepted here']);
    const tiktok = await call(`${sandbox().baseUrls.tiktok}/v2/post/publish/status/fetch/`, { method: 'POST', headers: { authorization: `Bearer ${tiktokSandbox.token}`, 'content-type': 'text/plain' }, body: 'hello' });
    expect(tiktok.body.error.code).toBe('invalid_params');
    const multipart = await call(`${sandbox().baseUrls.facebook}/v25.0/${facebookSandbox.pageId}/photos`, { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'no boundary' });
    expect(multipart.body.error.code).toBe(100);
  });

  it('bodies over the limit', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const facebook = await call(`${sandbox().baseUrls.facebook}/v25.0/${facebookSandbox.pageId}/feed`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big });
    expect([facebook.status, facebook.body.error.code]).toEqual([413, 100]);
    const youtube = await call(`${sandbox().baseUrls.youtube}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big });
    expect([youtube.status, youtube.body.error.errors[0].reason]).toEqual([413, 'uploadTooLarge']);
    const media = await call(`${sandbox().baseUrls.media}/a/big.bin`, { method: 'PUT', headers: { authorization: 'Bearer sandbox-media-token' }, body: big });
    expect(media.status).toBe(413);
  });

  it('unknown paths and methods', async () => {
    const x = await call(`${sandbox().baseUrls.x}/2/nothing/here`);
    expect([x.status, x.body.title]).toEqual([404, 'Not Found Error']);
    const method = await call(`${sandbox().baseUrls.x}/2/tweets`, { method: 'PATCH' });
    expect([method.status, method.body.title]).toEqual([405, 'Method Not Allowed']);
    const tiktok = await call(`${sandbox().baseUrls.tiktok}/v1/old/api`);
    expect([tiktok.status, tiktok.body.error.code]).toEqual([404, 'invalid_params']);
    const youtube = await call(`${sandbox().baseUrls.youtube}/youtube/v3/channels`);
    expect([youtube.status, youtube.body.error.errors[0].reason]).toEqual([404, 'notFound']);
    const main = await call(`${sandbox().url}/whatever`);
    expect(main.status).toBe(404);
  });

  it('bytes that are not HTTP at all', async () => {
    const port = Number(new URL(sandbox().baseUrls.x).port);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('\u0000\u0001 this is not http\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect((await call(`${sandbox().url}/__sandbox/health`)).body.ok).toBe(true);
  });
});

describe('load', () => {
  it('holds 200 concurrent requests without an error of its own', async () => {
    const requests = Array.from({ length: 200 }, (_, index) =>
      call(`${sandbox().baseUrls.facebook}/v25.0/${facebookSandbox.pageId}/feed`, { method: 'POST', headers: { authorization: `Bearer ${facebookSandbox.pageToken}` }, json: { message: `Ziņa numur ${index}` } }),
    );
    const responses = await Promise.all(requests);
    expect(responses.map((response) => response.status)).toEqual(Array(200).fill(200));
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(200);
    expect(sandbox().records.list('facebook')).toHaveLength(200);
  });
});
