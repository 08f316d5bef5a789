// nx serve: hot reload with real go, real HTTP on 127.0.0.1, real signals (issue 10).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { Workspace } from './support/workspace';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An HTTP worker in TQServer's style: WORKER_PORT, /health, and a response naming its version. */
function workerMain(version: string, opts: { broken?: boolean } = {}): string {
  return `package main

import (
	"fmt"
	"net/http"
	"os"

	"example.com/tqserver/libs/shared"
)

const version = "${version}"

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("/exit", func(w http.ResponseWriter, r *http.Request) { os.Exit(3) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "version=%s greeting=%q name=%s path=%s type=%s mode=%s port=%s/%s", version, shared.Greeting("api"),
			os.Getenv("WORKER_NAME"), os.Getenv("WORKER_PATH"), os.Getenv("WORKER_TYPE"), os.Getenv("WORKER_MODE"), os.Getenv("WORKER_PORT"), os.Getenv("PORT"))
	})
	${opts.broken ? 'notDefinedAnywhere()' : ''}
	if err := http.ListenAndServe("127.0.0.1:"+os.Getenv("WORKER_PORT"), mux); err != nil {
		panic(err)
	}
}
`;
}

const AUTH_MAIN = `package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "auth on %s", os.Getenv("WORKER_PORT")) })
	if err := http.ListenAndServe("127.0.0.1:"+os.Getenv("WORKER_PORT"), nil); err != nil {
		panic(err)
	}
}
`;

interface Answer {
  status: number;
  body: string;
}

function fetchText(port: number, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Processes whose working directory is inside `root`: nx, its task processes, the workers and their watchers. */
function processesIn(root: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === root || cwd.startsWith(`${root}/`)) found.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, output?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${output ? `; output so far:\n${output()}` : ''}`);
    await sleep(50);
  }
}

/** nx serve (or run-many) in the background, in its own process group as a terminal's foreground job is. */
class Served {
  output = '';
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(readonly ws: Workspace, args: string[]) {
    this.child = spawn(process.execPath, [ws.path('node_modules/.bin/nx'), ...args, '--output-style=stream'], {
      cwd: ws.root,
      env: ws.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  count(re: RegExp): number {
    return [...this.output.matchAll(new RegExp(re.source, 'g'))].length;
  }

  async waitFor(re: RegExp, timeoutMs = 120_000, from = 0): Promise<RegExpMatchArray> {
    await until(() => re.test(this.output.slice(from)), timeoutMs, String(re), () => this.output);
    return this.output.slice(from).match(re)!;
  }

  /** Every worker pid the plugin reported starting. */
  pids(): number[] {
    return [...this.output.matchAll(/\(pid (\d+)/g)].map((m) => Number(m[1]));
  }

  /** Every loopback port a worker process was started on, behind the proxy. */
  instancePorts(): number[] {
    return [...this.output.matchAll(/-> 127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  }

  signal(sig: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, sig);
    } catch {
      // already gone
    }
  }
}

/** Waits for `version` to answer, with a bounded number of requests. */
async function waitForVersion(port: number, version: string, served: Served): Promise<void> {
  await until(async () => (await fetchText(port).catch(() => ({ status: 0, body: '' }))).body.includes(`version=${version} `), 120_000, `version ${version}`, () => served.output);
}

/** The first port the kernel hands out for outgoing connections and listen(0). */
function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

function setUpWorkspace(): Workspace {
  const ws = Workspace.create();
  // Default ports (run-many) from a random range below the kernel's ephemeral ports: a port in that
  // range can be the local end of any outgoing connection (CI failed once on exactly that).
  // Where the kernel hands out (nearly) every port, any range is as good as another.
  const room = ephemeralLow() - 10000 - 100;
  const base = room >= 1000 ? 10000 + Math.floor(Math.random() * room) : 20000 + Math.floor(Math.random() * 20000);
  ws.write('workers/api/src/main.go', workerMain('1'));
  ws.remove('workers/api/src/banner.txt');
  ws.write('workers/api/config/worker.yaml', 'path: /api\ntype: go\n');
  ws.write('workers/auth/src/main.go', AUTH_MAIN);
  // A library in the workspace that api does not import.
  ws.write('libs/unused/go.mod', 'module example.com/tqserver/libs/unused\n\ngo 1.22\n');
  ws.write('libs/unused/unused.go', 'package unused\n\nconst Word = "unused"\n');
  ws.write(
    'config/server.yaml',
    `${ws.read('config/server.yaml')}\nworkers:\n  port_range_start: ${base}\n  port_range_end: ${base + 99}\n  shutdown_grace_period_ms: 2000\n  health_check_wait_timeout_ms: 10000\nfile_watcher:\n  debounce_ms: 200\n`,
  );
  ws.commit('http workers');
  return ws;
}

describe('nx serve', () => {
  let ws: Workspace;
  let served: Served;
  let port: number;

  beforeAll(async () => {
    ws = setUpWorkspace();
    port = await freePort();
    served = new Served(ws, ['serve', 'api', `--port=${port}`]);
    await served.waitFor(/api: serve: serving http:\/\/127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+/);
  });

  afterAll(async () => {
    served?.signal('SIGKILL');
    ws?.destroy();
  });

  it('starts and answers on the worker port, with TQServer worker environment', async () => {
    const a = await fetchText(port);
    expect(a.status).toBe(200);
    expect(a.body).toMatch(/^version=1 greeting="hello from api" name=api path=\/api type=go mode=dev port=(\d+)\/\1$/);
    // The process listens on its own loopback port, behind the proxy.
    expect(a.body).not.toContain(`port=${port}/`);
  });

  it('reloads 5 times in a row; a polling client sees no failed request and never an old version after a new one', async () => {
    const seen: number[] = [];
    const failures: string[] = [];
    let polling = true;
    // Sequential requests, bounded in count, to loopback only.
    const poller = (async () => {
      for (let i = 0; i < 20_000 && polling; i++) {
        try {
          const a = await fetchText(port);
          const v = /^version=(\d+) /.exec(a.body);
          if (a.status !== 200 || !v) failures.push(`${a.status} ${a.body}`);
          else seen.push(Number(v[1]));
        } catch (e) {
          failures.push(String(e));
        }
      }
    })();
    const before = served.count(/reload #\d+:/);
    for (let v = 2; v <= 6; v++) {
      ws.write('workers/api/src/main.go', workerMain(String(v)));
      await waitForVersion(port, String(v), served);
    }
    polling = false;
    await poller;
    expect(failures).toEqual([]);
    expect(seen.length).toBeGreaterThan(5);
    const regressions = seen.filter((v, i) => i > 0 && v < seen[i - 1]);
    expect(regressions).toEqual([]);
    expect(seen[seen.length - 1]).toBe(6);
    expect(served.count(/reload #\d+:/) - before).toBe(5);
    expect(served.output).toMatch(/api: serve: reload #\d+: build \d+ ms, serving \d+ ms after the change \(pid \d+/);
  });

  it('reloads when a library it imports (transitively) changes', async () => {
    ws.write('libs/textfmt/textfmt.go', 'package textfmt\n\nimport "strings"\n\nfunc Sentence(words ...string) string {\n\treturn strings.Join(words, "_")\n}\n');
    await until(async () => (await fetchText(port)).body.includes('greeting="hello_from_api"'), 120_000, 'the new greeting', () => served.output);
  });

  it('does not reload for a library it does not import, a test file, a README or an editor temp file', async () => {
    const mark = served.output.length;
    ws.write('libs/unused/unused.go', 'package unused\n\nconst Word = "still unused"\n');
    ws.write('workers/api/src/main_test.go', 'package main\n\nimport "testing"\n\nfunc TestNothing(t *testing.T) {}\n');
    ws.write('workers/api/README.md', '# api\n');
    ws.write('workers/api/src/.main.go.swp', 'swap');
    ws.write('workers/api/src/main.go~', 'backup');
    // Many debounce periods (200 ms) and more than any build takes to start.
    await sleep(3000);
    expect(served.output.slice(mark)).not.toMatch(/rebuilding|reload #/);
    // The same watcher does see an input in the same directory: the quiet above is not deafness.
    ws.write('workers/api/src/extra.go', 'package main\n\nconst extra = 1\n');
    await served.waitFor(/rebuilding \(add workers\/api\/src\/extra\.go\)/, 60_000, mark);
    await served.waitFor(/reload #\d+:/, 120_000, mark);
  });

  it('keeps the old version serving when the build breaks, prints the compiler error, and serves the fix', async () => {
    const mark = served.output.length;
    ws.write('workers/api/src/main.go', workerMain('7', { broken: true }));
    await served.waitFor(/api: serve: build failed after \d+ ms: .*the previous build keeps serving/, 120_000, mark);
    expect(served.output.slice(mark)).toContain('undefined: notDefinedAnywhere');
    for (let i = 0; i < 5; i++) expect((await fetchText(port)).body).toMatch(/^version=6 /);
    ws.write('workers/api/src/main.go', workerMain('8'));
    await waitForVersion(port, '8', served);
  });

  it('gives one rebuild for a burst of 10 saves', async () => {
    const mark = served.output.length;
    for (let i = 0; i < 10; i++) {
      ws.write('workers/api/src/main.go', workerMain(String(20 + i)));
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
    await waitForVersion(port, '29', served);
    // Long enough for a second, stray build to have started and finished.
    await sleep(3000);
    const after = served.output.slice(mark);
    expect([...after.matchAll(/rebuilding \(/g)].length).toBe(1);
    expect([...after.matchAll(/reload #\d+:/g)].length).toBe(1);
  });

  it('reports a worker that exits by itself, does not restart it in a loop, and starts it again on the next change', async () => {
    const mark = served.output.length;
    await fetchText(port, '/exit').catch(() => undefined);
    await served.waitFor(/api: serve: pid \d+ exited by itself \(exit code 3\); it is started again on the next change/, 30_000, mark);
    await sleep(1500);
    expect(served.output.slice(mark)).not.toMatch(/rebuilding|reload #|serving http/);
    const down = await fetchText(port);
    expect(down.status).toBe(503);
    expect(down.body).toContain('the worker exited (exit code 3)');
    ws.write('workers/api/src/main.go', workerMain('30'));
    await waitForVersion(port, '30', served);
  });

  it('on Ctrl-C leaves no process behind and frees every port', async () => {
    const pids = served.pids();
    const ports = [port, ...served.instancePorts()];
    expect(pids.length).toBeGreaterThan(5);
    expect(pids.filter(alive).length).toBe(1);
    served.signal('SIGINT');
    await served.exited;
    await until(() => processesIn(ws.root).length === 0 && pids.every((p) => !alive(p)), 15_000, 'every process to exit');
    for (const p of ports) expect(await portIsFree(p)).toBe(true);
  });
});

describe('nx serve, several workers and crashes', () => {
  let ws: Workspace;

  beforeAll(() => {
    ws = setUpWorkspace();
  });

  afterAll(() => ws?.destroy());

  it('nx run-many -t serve -p api,auth serves each worker on its own port; SIGTERM to nx stops both', async () => {
    const served = new Served(ws, ['run-many', '-t', 'serve', '-p', 'api,auth']);
    try {
      const api = await served.waitFor(/api: serve: serving http:\/\/127\.0\.0\.1:(\d+)/);
      const auth = await served.waitFor(/auth: serve: serving http:\/\/127\.0\.0\.1:(\d+)/);
      expect(api[1]).not.toBe(auth[1]);
      expect((await fetchText(Number(api[1]))).body).toMatch(/^version=1 .*name=api/);
      expect((await fetchText(Number(auth[1]))).body).toMatch(/^auth on \d+$/);
      const pids = served.pids();
      served.signal('SIGTERM');
      await served.exited;
      await until(() => processesIn(ws.root).length === 0 && pids.every((p) => !alive(p)), 15_000, 'every process to exit');
      expect(await portIsFree(Number(api[1]))).toBe(true);
      expect(await portIsFree(Number(auth[1]))).toBe(true);
    } finally {
      served.signal('SIGKILL');
    }
  });

  it('kills the worker when the executor itself is killed (SIGKILL, no handler runs)', async () => {
    const served = new Served(ws, ['serve', 'auth', `--port=${await freePort()}`]);
    try {
      await served.waitFor(/auth: serve: serving http/);
      const executor = Number((await served.waitFor(/auth: serve: executor pid (\d+)/))[1]);
      const [worker] = served.pids();
      expect(alive(worker)).toBe(true);
      process.kill(executor, 'SIGKILL');
      await until(() => !alive(worker), 15_000, `worker pid ${worker} to die with its executor`);
    } finally {
      served.signal('SIGKILL');
    }
  });

  it('--proxy=false restarts the process in place on the same port', async () => {
    const port = await freePort();
    const served = new Served(ws, ['serve', 'api', `--port=${port}`, '--proxy=false']);
    try {
      await served.waitFor(/api: serve: serving http:\/\/127\.0\.0\.1:\d+ \(pid/);
      expect((await fetchText(port)).body).toMatch(new RegExp(`^version=1 .* port=${port}/${port}$`));
      ws.write('workers/api/src/main.go', workerMain('2'));
      await waitForVersion(port, '2', served);
      expect((await fetchText(port)).body).toContain(`port=${port}/${port}`);
    } finally {
      served.signal('SIGINT');
      await served.exited;
    }
  });
});

describe('nx serve in the TQServer layout (one root module, config/worker.yaml, pkg/ packages)', () => {
  let ws: Workspace;

  beforeAll(() => {
    ws = Workspace.tqserver();
  });

  afterAll(() => ws?.destroy());

  it('serves a worker on pkg/worker, reloads when pkg/worker changes and not when pkg/unused does', async () => {
    const port = await freePort();
    const served = new Served(ws, ['serve', 'hello', `--port=${port}`]);
    try {
      await served.waitFor(/hello: serve: serving http:\/\/127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+/);
      expect((await fetchText(port)).body).toBe('hello from hello\n');
      const mark = served.output.length;
      ws.write('pkg/unused/unused.go', `${ws.read('pkg/unused/unused.go')}\n// edited\n`);
      await sleep(3000);
      expect(served.output.slice(mark)).not.toMatch(/rebuilding|reload #/);
      // The worker runtime every worker links: its own package project, imported by hello.
      ws.write('pkg/worker/worker.go', ws.read('pkg/worker/worker.go').replace('mux.Handle("/", handler)', 'mux.Handle("/", handler)\n\tmux.HandleFunc("/runtime", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "runtime v2") })'));
      await served.waitFor(/rebuilding \(change pkg\/worker\/worker\.go\)/, 60_000, mark);
      await until(async () => (await fetchText(port, '/runtime')).body === 'runtime v2\n', 120_000, 'the edited runtime', () => served.output);
      expect(served.output.slice(mark)).toMatch(/hello: serve: reload #1: /);
    } finally {
      served.signal('SIGINT');
      await served.exited;
    }
    await until(() => processesIn(ws.root).length === 0, 15_000, 'every process to exit');
  });

  it('serves the server from the workspace root in dev mode on server.port, and restarts it when a package it imports changes', async () => {
    const port = await freePort();
    ws.write('config/server.yaml', ws.read('config/server.yaml').replace('port: 8080', `port: ${port}`));
    const served = new Served(ws, ['serve', 'server']);
    try {
      // It found config/server.yaml, so it runs from the root, and -mode dev reached it.
      await until(async () => (await fetchText(port).catch(() => ({ status: 0, body: '' }))).body === 'tqserver dev php pool: www via FastCGI v1 mode: dev\n', 120_000, 'the server', () => served.output);
      const mark = served.output.length;
      // pkg/fastcgi reaches the server only through pkg/phpfpm.
      ws.write('pkg/fastcgi/fastcgi.go', ws.read('pkg/fastcgi/fastcgi.go').replace('const Version = 1', 'const Version = 2'));
      await served.waitFor(/rebuilding \(change pkg\/fastcgi\/fastcgi\.go\)/, 60_000, mark);
      await until(async () => (await fetchText(port).catch(() => ({ status: 0, body: '' }))).body.includes('FastCGI v2'), 120_000, 'the rebuilt server', () => served.output);
    } finally {
      served.signal('SIGINT');
      await served.exited;
    }
    await until(() => processesIn(ws.root).length === 0, 15_000, 'every process to exit');
  });
});
