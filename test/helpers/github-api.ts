/**
 * A loopback stand-in for GitHub's REST API, as much as the action uses: a pull request's comments
 * (list, create, update). It records every request; `refuse` makes writes answer 403, as a fork's
 * read-only token gets.
 */
import { createServer, type Server } from 'node:http';

export interface FakeGitHub {
  readonly url: string;
  /** `METHOD /path` of every request, in order. */
  readonly requests: string[];
  /** The comments of each issue, by number. */
  readonly comments: Map<number, { id: number; body: string }[]>;
  /** Authorization headers seen. */
  readonly tokens: (string | undefined)[];
  refuse: boolean;
  close(): Promise<void>;
}

export async function startGitHub(): Promise<FakeGitHub> {
  const comments = new Map<number, { id: number; body: string }[]>();
  let nextId = 1000;
  const gh: Omit<FakeGitHub, 'url' | 'close'> & { refuse: boolean } = { requests: [], comments, tokens: [], refuse: false };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      gh.requests.push(`${req.method} ${url.pathname}${url.search}`);
      gh.tokens.push(req.headers.authorization);
      const send = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname);
      const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (req.method !== 'GET' && gh.refuse) return send(403, { message: 'Resource not accessible by integration' });
      if (list && req.method === 'GET') {
        const all = comments.get(Number(list[1])) ?? [];
        const page = Number(url.searchParams.get('page') ?? 1);
        const per = Number(url.searchParams.get('per_page') ?? 30);
        return send(
          200,
          all.slice((page - 1) * per, page * per).map((c) => ({ ...c, html_url: `https://github.example/c/${c.id}` })),
        );
      }
      if (list && req.method === 'POST') {
        const c = { id: nextId++, body: (JSON.parse(raw) as { body: string }).body };
        comments.set(Number(list[1]), [...(comments.get(Number(list[1])) ?? []), c]);
        return send(201, { ...c, html_url: `https://github.example/c/${c.id}` });
      }
      if (one && req.method === 'PATCH') {
        for (const cs of comments.values()) {
          const c = cs.find((x) => x.id === Number(one[1]));
          if (c) {
            c.body = (JSON.parse(raw) as { body: string }).body;
            return send(200, { ...c, html_url: `https://github.example/c/${c.id}` });
          }
        }
        return send(404, { message: 'Not Found' });
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return Object.assign(gh, { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}
