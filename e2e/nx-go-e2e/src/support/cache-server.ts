// Test infrastructure: a self-hosted Nx remote cache on 127.0.0.1, speaking Nx's OpenAPI spec for custom caches.
//
//   GET /v1/cache/{hash}  200 + the stored body (application/octet-stream), 404 when unknown
//   PUT /v1/cache/{hash}  Content-Length required (400 without); 200 when stored, 409 when the hash exists
//   Authorization: Bearer <token>  401 when missing or unknown, 403 when a read-only token tries to PUT
//
// Nx (the Rust HttpRemoteCache since 20.8) uploads a gzip-compressed tar of the task's outputs plus
// "terminalOutput" and "code" entries; the server treats bodies as opaque bytes and returns them as stored.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type CacheServerMode = 'ok' | 'error500' | 'down';

export interface CacheServerOptions {
  /** Tokens allowed to read and write. Default: one random token, see `writeToken`. */
  readWriteTokens?: string[];
  /** Tokens allowed to read only; a PUT with one gets 403. Default: one random token, see `readToken`. */
  readOnlyTokens?: string[];
  /** Where entries live; default a new temp dir, removed by `stop({ removeStorage: true })`. */
  dir?: string;
  /** Largest accepted body; bigger uploads get 413. Default 256 MiB. */
  maxBodyBytes?: number;
}

export interface CacheCounters {
  /** GET requests that passed authentication. */
  gets: number;
  hits: number;
  misses: number;
  /** PUTs that stored an entry. */
  puts: number;
  /** PUTs refused with 409 because the hash was already stored. */
  conflicts: number;
  unauthorized: number;
  forbidden: number;
  /** Requests answered 500 by the error500 mode. */
  errors: number;
  badRequests: number;
}

export interface CacheRequestRecord {
  method: string;
  hash: string | null;
  status: number;
  authorization: string | undefined;
  accept: string | undefined;
  contentType: string | undefined;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
  bodyBytes: number;
}

const HASH = /^[A-Za-z0-9_.-]{1,256}$/;
const ROUTE = /^\/v1\/cache\/([^/?#]+)$/;

function zeroCounters(): CacheCounters {
  return { gets: 0, hits: 0, misses: 0, puts: 0, conflicts: 0, unauthorized: 0, forbidden: 0, errors: 0, badRequests: 0 };
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

export class CacheServer {
  readonly dir: string;
  readonly writeToken: string;
  readonly readToken: string;
  counters: CacheCounters = zeroCounters();
  readonly requests: CacheRequestRecord[] = [];

  private readonly readWrite: string[];
  private readonly readOnly: string[];
  private readonly maxBodyBytes: number;
  private readonly ownsDir: boolean;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly uploading = new Set<string>();
  private port = 0;
  private currentMode: CacheServerMode = 'down';

  constructor(opts: CacheServerOptions = {}) {
    this.readWrite = opts.readWriteTokens ?? [`rw-${randomBytes(16).toString('hex')}`];
    this.readOnly = opts.readOnlyTokens ?? [`ro-${randomBytes(16).toString('hex')}`];
    if (this.readWrite.length === 0 && this.readOnly.length === 0) throw new Error('CacheServer needs at least one token');
    this.writeToken = this.readWrite[0] ?? '';
    this.readToken = this.readOnly[0] ?? '';
    this.maxBodyBytes = opts.maxBodyBytes ?? 256 * 1024 * 1024;
    this.ownsDir = opts.dir === undefined;
    this.dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'nx-go-cache-server-'));
    mkdirSync(this.dir, { recursive: true });
  }

  /** http://127.0.0.1:<port>, without a trailing slash (Nx appends /v1/cache/<hash>). */
  get url(): string {
    if (this.port === 0) throw new Error('CacheServer has not been started');
    return `http://127.0.0.1:${this.port}`;
  }

  get mode(): CacheServerMode {
    return this.currentMode;
  }

  /** Listens on 127.0.0.1 (a random port the first time, the same port after a restart). */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      // Bounded: whatever the bind address, only this machine may talk to the cache.
      if (!isLoopback(socket.remoteAddress)) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: this.port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('CacheServer: unexpected listen address');
    this.port = address.port;
    this.server = server;
    this.currentMode = 'ok';
  }

  /** Closes the listener and every open connection. Storage stays unless `removeStorage` (and the dir was ours). */
  async stop(opts: { removeStorage?: boolean } = {}): Promise<void> {
    const server = this.server;
    this.server = null;
    this.currentMode = 'down';
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
      await closed;
    }
    if (opts.removeStorage && this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** 'down' stops listening (connections are refused); 'ok' and 'error500' listen again on the same port. */
  async setMode(mode: CacheServerMode): Promise<void> {
    if (mode === 'down') {
      await this.stop();
      return;
    }
    await this.start();
    this.currentMode = mode;
  }

  resetCounters(): void {
    this.counters = zeroCounters();
    this.requests.length = 0;
  }

  /** Hashes stored so far. */
  entries(): string[] {
    return readdirSync(this.dir).filter((f) => HASH.test(f) && !f.startsWith('.'));
  }

  read(hash: string): Buffer {
    return readFileSync(this.entryPath(hash));
  }

  /** Forgets every stored entry, as if the cache were new. */
  clear(): void {
    for (const f of readdirSync(this.dir)) rmSync(join(this.dir, f), { force: true });
  }

  private entryPath(hash: string): string {
    if (!HASH.test(hash) || hash.startsWith('.')) throw new Error(`CacheServer: invalid hash ${JSON.stringify(hash)}`);
    return join(this.dir, hash);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? '';
    const path = (req.url ?? '').split('?')[0];
    const route = ROUTE.exec(path);
    const hash = route ? decodeURIComponent(route[1]) : null;
    const record: CacheRequestRecord = {
      method,
      hash,
      status: 0,
      authorization: req.headers.authorization,
      accept: req.headers.accept,
      contentType: req.headers['content-type'],
      contentLength: req.headers['content-length'],
      transferEncoding: req.headers['transfer-encoding'],
      bodyBytes: 0,
    };
    this.requests.push(record);
    const reply = (status: number, body?: string | Buffer, headers: Record<string, string> = {}) => {
      record.status = status;
      const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
      res.writeHead(status, {
        // Exactly text/plain: Nx shows a 401's body to the user only with that media type, without parameters.
        ...(payload !== undefined && typeof body === 'string' ? { 'Content-Type': 'text/plain' } : {}),
        ...(payload !== undefined ? { 'Content-Length': String(payload.length) } : { 'Content-Length': '0' }),
        ...headers,
      });
      res.end(payload);
    };
    // Any request body we do not read is drained so that the connection stays usable.
    const drainAndReply = (status: number, body?: string, headers?: Record<string, string>) => {
      req.resume();
      reply(status, body, headers);
    };

    if (!route || hash === null || !HASH.test(hash) || hash.startsWith('.')) {
      this.counters.badRequests++;
      drainAndReply(404, 'Not found: expected /v1/cache/{hash}\n');
      return;
    }
    if (method !== 'GET' && method !== 'PUT') {
      this.counters.badRequests++;
      drainAndReply(405, `Method ${method} is not allowed\n`, { Allow: 'GET, PUT' });
      return;
    }
    if (this.currentMode === 'error500') {
      this.counters.errors++;
      drainAndReply(500, 'Simulated internal server error\n');
      return;
    }

    const access = this.authorize(req.headers.authorization);
    if (access === 'none') {
      this.counters.unauthorized++;
      drainAndReply(401, 'Missing or invalid authentication token.\n', { 'WWW-Authenticate': 'Bearer' });
      return;
    }

    if (method === 'GET') {
      this.counters.gets++;
      req.resume();
      const file = this.entryPath(hash);
      if (!existsSync(file)) {
        this.counters.misses++;
        reply(404, 'The record was not found\n');
        return;
      }
      this.counters.hits++;
      reply(200, readFileSync(file), { 'Content-Type': 'application/octet-stream' });
      return;
    }

    if (access !== 'write') {
      this.counters.forbidden++;
      drainAndReply(403, 'Access forbidden: this token may only read from the cache.\n');
      return;
    }
    const lengthHeader = req.headers['content-length'];
    const length = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : NaN;
    if (!Number.isSafeInteger(length)) {
      this.counters.badRequests++;
      drainAndReply(400, 'Missing or invalid Content-Length header\n');
      return;
    }
    if (length > this.maxBodyBytes) {
      this.counters.badRequests++;
      drainAndReply(413, `Body of ${length} bytes exceeds the limit of ${this.maxBodyBytes}\n`, { Connection: 'close' });
      return;
    }
    const file = this.entryPath(hash);
    if (existsSync(file) || this.uploading.has(hash)) {
      this.counters.conflicts++;
      drainAndReply(409, 'Cannot override an existing record\n');
      return;
    }
    this.uploading.add(hash);
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= length) chunks.push(chunk);
    });
    // An upload cut short never reaches 'end', so it never becomes an entry; it only releases the hash.
    req.on('error', () => this.uploading.delete(hash));
    req.on('close', () => this.uploading.delete(hash));
    req.on('end', () => {
      try {
        record.bodyBytes = received;
        if (received !== length) {
          this.counters.badRequests++;
          reply(400, `Body has ${received} bytes but Content-Length says ${length}\n`);
          return;
        }
        // Written aside, then linked into place: link fails if the hash appeared meanwhile, so entries are never replaced.
        const temp = join(this.dir, `.upload-${hash}-${randomBytes(6).toString('hex')}`);
        writeFileSync(temp, Buffer.concat(chunks, length));
        try {
          linkSync(temp, file);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          this.counters.conflicts++;
          reply(409, 'Cannot override an existing record\n');
          return;
        } finally {
          unlinkSync(temp);
        }
        this.counters.puts++;
        reply(200);
      } catch (e) {
        reply(500, `Could not store the record: ${e instanceof Error ? e.message : String(e)}\n`);
      } finally {
        this.uploading.delete(hash);
      }
    });
  }

  private authorize(header: string | undefined): 'write' | 'read' | 'none' {
    const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return 'none';
    const token = m[1];
    if (this.readWrite.some((t) => sameToken(token, t))) return 'write';
    if (this.readOnly.some((t) => sameToken(token, t))) return 'read';
    return 'none';
  }

  /** Total bytes stored, for reporting. */
  storedBytes(): number {
    return this.entries().reduce((sum, h) => sum + statSync(this.entryPath(h)).size, 0);
  }
}
