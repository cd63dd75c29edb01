/**
 * The little of GitHub's REST API the action needs, as actions talk to it: `GITHUB_API_URL` with
 * `GITHUB_TOKEN`. One sticky comment per pull request, found by its hidden marker among the
 * comments and updated in place; created only when there is none. Answers are read within a bound.
 */
import { request } from 'undici';

const MAX_ANSWER = 8 << 20;
/** Comments looked through for the marker (100 a page). */
const MAX_PAGES = 30;

export interface GitHub {
  readonly api: string;
  readonly token: string;
  readonly repository: string;
}

export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call(gh: GitHub, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<unknown> {
  const r = await request(`${gh.api.replace(/\/$/, '')}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${gh.token}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'imgsize-action',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of r.body as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > MAX_ANSWER) throw new GitHubError(r.statusCode, `${method} ${path}: the answer is larger than ${MAX_ANSWER >> 20} MiB`);
    parts.push(c);
  }
  const text = Buffer.concat(parts).toString('utf8');
  if (r.statusCode >= 400) {
    let message = text.slice(0, 200);
    try {
      const m = (JSON.parse(text) as { message?: unknown }).message;
      if (typeof m === 'string') message = m.slice(0, 200);
    } catch {
      /* not JSON */
    }
    throw new GitHubError(r.statusCode, `${method} ${path}: HTTP ${r.statusCode}${message ? ` (${message})` : ''}`);
  }
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    throw new GitHubError(r.statusCode, `${method} ${path}: the answer is not JSON`);
  }
}

/** The comment of the pull request that holds `marker` (the first), else a new one: its URL, and whether it was created. */
export async function upsertComment(gh: GitHub, issue: number, marker: string, body: string): Promise<{ url: string; created: boolean }> {
  const base = `/repos/${gh.repository}/issues`;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = await call(gh, 'GET', `${base}/${issue}/comments?per_page=100&page=${page}`);
    if (!Array.isArray(comments)) throw new GitHubError(200, 'the comments of the pull request are not a list');
    const mine = comments.find((c: { body?: unknown }) => typeof c?.body === 'string' && c.body.includes(marker)) as { id?: unknown } | undefined;
    if (mine && typeof mine.id === 'number') {
      const updated = (await call(gh, 'PATCH', `${base}/comments/${mine.id}`, { body })) as { html_url?: unknown } | null;
      return { url: typeof updated?.html_url === 'string' ? updated.html_url : '', created: false };
    }
    if (comments.length < 100) break;
  }
  const created = (await call(gh, 'POST', `${base}/${issue}/comments`, { body })) as { html_url?: unknown } | null;
  return { url: typeof created?.html_url === 'string' ? created.html_url : '', created: true };
}
