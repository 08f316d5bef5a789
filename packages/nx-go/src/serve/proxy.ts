// The reverse proxy on the worker's port: forwards HTTP (streamed both ways) and WebSocket upgrades to the current process.
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

interface Upstream {
  port: number;
  agent: Agent;
  /** Requests and upgraded connections still open on this upstream. */
  active: number;
  drained: Array<() => void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function forwardedHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  const from = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${from}` : from;
  headers['x-forwarded-proto'] ??= 'http';
  if (req.headers.host) headers['x-forwarded-host'] ??= req.headers.host;
  return headers;
}

export class ReverseProxy {
  private server: Server;
  private current: Upstream | undefined;
  private readonly upstreams = new Map<number, Upstream>();
  private readonly sockets = new Set<Socket | Duplex>();
  /** What clients are told while no process serves (no build yet, or the worker exited). */
  private unavailable = 'no build has succeeded yet';

  constructor(private readonly label: string) {
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) =>
        reject(new Error(e.code === 'EADDRINUSE' ? `${this.label}: port ${port} on ${host} is already in use; stop what listens there or pass --port` : `${this.label}: cannot listen on ${host}:${port}: ${e.message}`));
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
  }

  /** New requests go to `port` from now on; requests already forwarded finish where they are. */
  switchTo(port: number): void {
    // No keep-alive to the worker: a pooled socket that the worker closes as a request is sent fails that
    // request, while a fresh loopback connection costs a fraction of a millisecond.
    const upstream = { port, agent: new Agent({ keepAlive: false }), active: 0, drained: [] };
    this.upstreams.set(port, upstream);
    this.current = upstream;
  }

  /** No process serves: clients get 503 with `reason`. */
  setUnavailable(reason: string): void {
    this.current = undefined;
    this.unavailable = reason;
  }

  /** Resolves when nothing is open on `port` any more, or after `timeoutMs`; then forgets that upstream. */
  async drain(port: number, timeoutMs: number): Promise<void> {
    const upstream = this.upstreams.get(port);
    if (!upstream) return;
    if (upstream.active > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        upstream.drained.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (this.current !== upstream) {
      this.upstreams.delete(port);
      upstream.agent.destroy();
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    for (const u of this.upstreams.values()) u.agent.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private hold(upstream: Upstream): () => void {
    upstream.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--upstream.active === 0) for (const fn of upstream.drained.splice(0)) fn();
    };
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const upstream = this.current;
    if (!upstream) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' });
      res.end(`${this.label}: ${this.unavailable}\n`);
      return;
    }
    const release = this.hold(upstream);
    const out = request(
      { host: '127.0.0.1', port: upstream.port, method: req.method, path: req.url, headers: forwardedHeaders(req), agent: upstream.agent },
      (answer) => {
        const headers = { ...answer.headers };
        for (const h of HOP_BY_HOP) if (h !== 'transfer-encoding') delete headers[h];
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
        // Streamed as it arrives: server-sent events and chunked responses keep working.
        answer.pipe(res);
        answer.on('end', release);
        answer.on('error', () => {
          release();
          res.destroy();
        });
      },
    );
    out.on('error', (e) => {
      release();
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${this.label}: the worker did not answer: ${e.message}\n`);
      } else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
      release();
    });
    req.pipe(out);
  }

  /** WebSocket (and any other) upgrades: the raw request head, then bytes both ways. */
  private upgrade(req: IncomingMessage, client: Duplex, head: Buffer): void {
    const upstream = this.current;
    if (!upstream) {
      client.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\n');
      return;
    }
    const release = this.hold(upstream);
    const server = connect({ host: '127.0.0.1', port: upstream.port }, () => {
      const headers = { ...forwardedHeaders(req), connection: 'Upgrade', upgrade: req.headers.upgrade ?? '' };
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (const [k, v] of Object.entries(headers)) for (const one of ([] as string[]).concat(v)) lines.push(`${k}: ${one}`);
      server.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) server.write(head);
      server.pipe(client);
      client.pipe(server);
    });
    const end = () => {
      release();
      server.destroy();
      client.destroy();
    };
    server.on('error', end);
    server.on('close', end);
    client.on('error', end);
    client.on('close', end);
  }
}
