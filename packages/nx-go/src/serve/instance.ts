// One running worker process: its own process group, prefixed output, readiness, and a stop that leaves nothing behind.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { killGroup, startWatcher } from '../run/process';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface InstanceOptions {
  /** Absolute path of the binary. */
  binary: string;
  args: string[];
  /** Absolute working directory. */
  cwd: string;
  /** Set on top of the inherited environment. */
  env: Record<string, string>;
  /** Each line of the process's output is written with this prefix. */
  prefix: string;
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface Instance {
  pid: number;
  port: number;
  /** Resolves when the process has exited (whoever stopped it). */
  exited: Promise<Exit>;
  /** Whether it has exited. */
  readonly done: boolean;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<Exit>;
  /** SIGKILL to the group at once, synchronously (for process exit). */
  kill(): void;
}

/** Calls `write` once per complete line, holding back a partial last line until more arrives or the stream ends. */
function lines(stream: NodeJS.ReadableStream | null, write: (line: string) => void): void {
  if (!stream) return;
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) write(p);
  });
  stream.on('end', () => {
    if (rest) write(rest);
  });
}

export function startInstance(port: number, opts: InstanceOptions): Instance {
  // Before the process, so the executor cannot die between the two: if it does, the watcher kills the group.
  const watcher = startWatcher();
  const child = spawn(opts.binary, opts.args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    // Its own group: one signal reaches the worker and anything it starts, and Ctrl-C in the terminal
    // reaches only nx, whose handler then stops the worker after the proxy has let go of it.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid ?? -1;
  if (child.pid !== undefined) watcher.watch(child.pid);
  lines(child.stdout, (l) => opts.out(`${opts.prefix}${l}`));
  lines(child.stderr, (l) => opts.err(`${opts.prefix}${l}`));
  let done = false;
  const exited = new Promise<Exit>((resolve) => {
    const finish = (exit: Exit) => {
      if (done) return;
      done = true;
      // Whatever the leader did, nothing it started may outlive it.
      killGroup(child.pid, 'SIGKILL');
      watcher.release();
      resolve(exit);
    };
    child.on('exit', (code, signal) => finish({ code, signal }));
    child.on('error', (e) => {
      opts.err(`${opts.prefix}could not start ${opts.binary}: ${e.message}`);
      finish({ code: null, signal: null });
    });
  });
  return {
    pid,
    port,
    exited,
    get done() {
      return done;
    },
    async stop(graceMs) {
      if (done) return exited;
      killGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    kill() {
      if (!done) killGroup(child.pid, 'SIGKILL');
    },
  };
}

/** A loopback port nobody listens on right now, from the kernel's ephemeral range. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

type Probe = 'ready' | 'not-yet';

/**
 * GET `path`: 200 is ready; 404 means the worker has no such endpoint, and since it accepted the
 * connection it is listening (the TCP fallback); anything else, or no connection, is "not yet".
 */
function probeHttp(port: number, path: string): Promise<Probe> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 || res.statusCode === 404 ? 'ready' : 'not-yet');
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve('not-yet'));
    req.end();
  });
}

function probeTcp(port: number): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('ready');
    });
    socket.once('error', () => resolve('not-yet'));
  });
}

/** How often readiness is probed; TQServer polls every 100 ms, which would cost up to 100 ms per reload. */
const PROBE_INTERVAL_MS = 10;

/** Resolves null when the instance is ready, or the reason it is not (timed out, or exited first). */
export async function waitReady(instance: Instance, healthPath: string | null, timeoutMs: number): Promise<string | null> {
  const deadline = performance.now() + timeoutMs;
  let exit: Exit | undefined;
  void instance.exited.then((e) => (exit = e));
  for (;;) {
    if (exit) return `it exited (${exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal}`}) before it was ready`;
    const probe = healthPath === null ? await probeTcp(instance.port) : await probeHttp(instance.port, healthPath);
    if (probe === 'ready' && !instance.done) return null;
    if (performance.now() >= deadline) {
      return `it was not ready within ${timeoutMs} ms (${healthPath === null ? `no TCP connection on port ${instance.port}` : `GET ${healthPath} on port ${instance.port} never answered 200`}; workers.health_check_wait_timeout_ms)`;
    }
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
  }
}
