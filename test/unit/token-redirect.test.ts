/**
 * A token request's redirects (issue 21, defect 3): every hop is held to the realm's rules. The
 * registry here is a public one by name; the transport is the test's own, which records every
 * request it is asked to make, so that "never sent there" is what is asserted.
 */
import { describe, expect, it } from 'vitest';
import { requestToken, type TokenRequest } from '../../src/registry/auth.js';

const REGISTRY = new URL('https://registry.example.com/');

/** A transport that answers each request from `answers` in turn and records what was sent where. */
function transport(answers: { status: number; location?: string }[]) {
  const sent: { url: string; req: TokenRequest }[] = [];
  const send = async (url: URL, req: TokenRequest) => {
    sent.push({ url: url.href, req });
    const a = answers[sent.length - 1] ?? { status: 200 };
    return { statusCode: a.status, headers: a.location ? { location: a.location } : {}, body: { dump: async () => undefined } };
  };
  return { sent, send };
}

const GET: TokenRequest = { method: 'GET', headers: { 'user-agent': 'imgsize', authorization: 'Basic dXNlcjpwYXNz' } };
const POST: TokenRequest = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&refresh_token=SECRET' };

describe('a token request that is redirected', () => {
  it('is refused when a hop leads from a public realm to a loopback address: nothing is sent there', async () => {
    const t = transport([{ status: 307, location: 'http://127.0.0.1:5000/token' }]);
    await expect(requestToken(new URL('https://registry.example.com/token'), GET, REGISTRY, t.send)).rejects.toThrow(/refusing the token service's redirect to http:\/\/127\.0\.0\.1:5000: plain http/);
    const u = transport([{ status: 302, location: 'https://10.0.0.8/token' }]);
    await expect(requestToken(new URL('https://registry.example.com/token'), GET, REGISTRY, u.send)).rejects.toThrow(/10\.0\.0\.8: a loopback or private address for a public registry/);
    expect([...t.sent, ...u.sent].map((s) => s.url)).toEqual(['https://registry.example.com/token', 'https://registry.example.com/token']);
  });

  it('never re-sends the refresh token to another origin (307 keeps the body: refused)', async () => {
    const t = transport([{ status: 307, location: 'https://auth.example.net/token' }]);
    await expect(requestToken(new URL('https://registry.example.com/token'), POST, REGISTRY, t.send)).rejects.toThrow(/the refresh token is sent to the realm's own origin only/);
    expect(t.sent.length).toBe(1);
  });

  it('follows a redirect to another public origin without its Authorization, and within the origin with it', async () => {
    const t = transport([{ status: 302, location: '/v2/token?x=1' }, { status: 302, location: 'https://auth.example.net/token' }, { status: 200 }]);
    const r = await requestToken(new URL('https://registry.example.com/token'), GET, REGISTRY, t.send);
    expect(r.statusCode).toBe(200);
    expect(t.sent.map((s) => [s.url, s.req.headers.authorization])).toEqual([
      ['https://registry.example.com/token', 'Basic dXNlcjpwYXNz'],
      ['https://registry.example.com/v2/token?x=1', 'Basic dXNlcjpwYXNz'],
      ['https://auth.example.net/token', undefined],
    ]);
  });

  it('a 303 turns the POST into a GET without its body, which may then leave the origin', async () => {
    const t = transport([{ status: 303, location: 'https://auth.example.net/token' }, { status: 200 }]);
    await requestToken(new URL('https://registry.example.com/token'), POST, REGISTRY, t.send);
    expect(t.sent[1]).toEqual({ url: 'https://auth.example.net/token', req: { method: 'GET', headers: {} } });
  });

  it('stops after 5 redirects', async () => {
    const t = transport(Array.from({ length: 10 }, () => ({ status: 307, location: 'https://registry.example.com/token' })));
    await expect(requestToken(new URL('https://registry.example.com/token'), GET, REGISTRY, t.send)).rejects.toThrow(/redirected more than 5 times/);
    expect(t.sent.length).toBe(6);
  });
});
