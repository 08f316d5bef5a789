// A bun worker: TQServer runs `bun install`, then `bun index.ts` with WORKER_PORT set.
const port = Number(process.env.WORKER_PORT ?? 9000);
Bun.serve({ port, fetch: (req) => new URL(req.url).pathname === '/health' ? new Response('ok') : new Response('hello from bun') });
