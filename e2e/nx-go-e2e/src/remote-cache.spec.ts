// Remote cache across machines: a self-hosted Nx cache server on 127.0.0.1 and two checkouts that
// share nothing else. Prod and cross-compile outputs must travel byte for byte, development builds
// must not travel between paths, stamps must never name another commit, and the CI recipe must parse.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { CacheServer } from './support/cache-server';
import { nxAsync, nxAsyncOk, type TimedRunResult } from './support/nx-async';
import { NX_VERSIONS, REPO_ROOT } from './support/paths';
import { sha256, Workspace, type CacheState } from './support/workspace';

const KEEP = !!process.env.NX_GO_E2E_KEEP;
const PROD_COMMAND = ['run-many', '-t', 'build-prod', 'cross-compile'];

/** One "machine": its own HOME, Go caches, Nx cache and workspace data, and a checkout directory. */
class Machine {
  readonly base: string;
  private fresh = 0;

  constructor(readonly name: string) {
    this.base = mkdtempSync(join(tmpdir(), `nx-go-rc-${name}-`));
    for (const d of ['home', 'gocache', 'gomodcache', 'nx-cache', 'nx-data', 'checkout']) mkdirSync(join(this.base, d));
  }

  dir(d: string): string {
    return join(this.base, d);
  }

  env(server?: { url: string; token: string }): Record<string, string | undefined> {
    return {
      HOME: this.dir('home'),
      GOCACHE: this.dir('gocache'),
      GOMODCACHE: this.dir('gomodcache'),
      NX_CACHE_DIRECTORY: this.dir('nx-cache'),
      NX_WORKSPACE_DATA_DIRECTORY: this.dir('nx-data'),
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server?.url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: server?.token,
    };
  }

  /** New, empty Nx cache and workspace-data dirs (and optionally Go build cache), as on a fresh runner. */
  freshNx(opts: { goCache?: boolean } = {}): Record<string, string> {
    const n = ++this.fresh;
    const make = (d: string) => {
      const p = this.dir(`${d}-${n}`);
      mkdirSync(p);
      return p;
    };
    return {
      NX_CACHE_DIRECTORY: make('nx-cache'),
      NX_WORKSPACE_DATA_DIRECTORY: make('nx-data'),
      ...(opts.goCache ? { GOCACHE: make('gocache') } : {}),
    };
  }

  /** Empties every local cache in place: same paths, no content (an ephemeral CI runner). */
  wipeLocalState(): void {
    for (const d of ['home', 'gocache', 'gomodcache', 'nx-cache', 'nx-data']) {
      // The module cache is read-only on disk; make it writable before removing it.
      spawnSync('chmod', ['-R', 'u+w', this.dir(d)]);
      rmSync(this.dir(d), { recursive: true, force: true });
      mkdirSync(this.dir(d));
    }
  }

  destroy(): void {
    if (KEEP) return;
    spawnSync('chmod', ['-R', 'u+w', this.base]);
    rmSync(this.base, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** File names in a gzip-compressed tar (ustar/GNU headers; enough for Nx's cache artifacts). */
function tarEntries(gz: Buffer): string[] {
  const tar = gunzipSync(gz);
  const names: string[] = [];
  for (let off = 0; off + 512 <= tar.length; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) => header.subarray(start, start + len).toString('utf8').replace(/\0[\s\S]*$/, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const prefix = field(257, 6).startsWith('ustar') ? field(345, 155) : '';
    names.push(prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

/** Raw HTTP for what fetch will not send (a PUT without Content-Length). */
function rawPut(url: string, token: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface WorkerPlan {
  name: string;
  /** Cacheable task ids of `run-many -t build-prod cross-compile`: the build's jobs, build-prod and cross-compile. */
  prodTasks: string[];
  /** Workspace-relative output files of those tasks. */
  prodOutputs: string[];
  /** Workspace-relative output of `build`. */
  devOutput: string;
  /** Whether the development build is trimmed (worker flags add -trimpath). */
  devTrimmed: boolean;
  /** Build jobs (build.deps) that every build of the worker waits for; cached tasks of their own. */
  jobTasks: string[];
}

async function workerPlans(ws: Workspace, env: Record<string, string | undefined>): Promise<WorkerPlan[]> {
  const names: string[] = JSON.parse((await nxAsyncOk(ws, ['show', 'projects', '--with-target', 'build-prod', '--json'], env)).output);
  const plans: WorkerPlan[] = [];
  for (const name of names.sort()) {
    const project = JSON.parse((await nxAsyncOk(ws, ['show', 'project', name, '--json'], env)).output);
    const targets: Record<string, { cache?: boolean; dependsOn?: unknown[]; outputs?: string[]; metadata?: { description?: string; job?: { exec?: string[] } } }> = project.targets;
    const jobTargets: string[] = [];
    const addJobs = (t: string) => {
      for (const d of targets[t].dependsOn ?? []) {
        if (typeof d === 'string' && d.startsWith('job-') && !jobTargets.includes(d)) {
          jobTargets.push(d);
          addJobs(d);
        }
      }
    };
    addJobs('build-prod');
    const prodTargets = ['build-prod', 'cross-compile'];
    for (const t of prodTargets) expect(targets[t].cache).toBe(true);
    const outputsOf = (t: string) => (targets[t].outputs ?? []).map((o) => o.replace('{workspaceRoot}/', ''));
    // cross-compile declares every first-class port's binary; its description names the matrix it builds.
    const matrix = /^Production builds for ([^:]*):/.exec(targets['cross-compile'].metadata?.description ?? '')?.[1].split(', ') ?? [];
    expect(matrix.length).toBeGreaterThan(0);
    const built = (o: string) => matrix.some((p) => o.replace(/\.exe$/, '').endsWith(`-${p.replace('/', '-')}`));
    plans.push({
      name,
      prodTasks: [...jobTargets, ...prodTargets].map((t) => `${name}:${t}`),
      prodOutputs: [...outputsOf('build-prod'), ...outputsOf('cross-compile').filter(built)],
      devOutput: outputsOf('build')[0],
      devTrimmed: targets.build.metadata?.job?.exec?.includes('-trimpath') ?? false,
      jobTasks: jobTargets.map((t) => `${name}:${t}`),
    });
  }
  return plans;
}

/** Entries in a Go build cache (files in its 00…ff subdirectories). */
function goCacheEntries(dir: string): number {
  return readdirSync(dir)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .reduce((n, d) => n + readdirSync(join(dir, d)).length, 0);
}

function hashes(ws: Workspace, files: string[]): Map<string, string> {
  return new Map(files.map((f) => [f, sha256(ws.path(f))]));
}

/** Exactly these tasks ran, each with this cache state. */
function expectStates(r: TimedRunResult, tasks: string[], state: CacheState): void {
  expect(Object.fromEntries(r.tasks)).toEqual(Object.fromEntries(tasks.map((t) => [t, state])));
}

const server = new CacheServer();
const metrics: Record<string, unknown> = { nxVersion: NX_VERSIONS[0], cpus: cpus().length, date: new Date().toISOString() };

beforeAll(() => server.start());
afterAll(async () => {
  await server.stop({ removeStorage: !KEEP });
  mkdirSync(join(REPO_ROOT, 'tmp'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'tmp', 'remote-cache-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
});

describe('remote cache server (Nx self-hosted cache API)', () => {
  const url = (hash: string) => `${server.url}/v1/cache/${hash}`;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const body = Buffer.from('not really a tarball, the server stores bytes');

  it('answers 401 without a token or with an unknown one, as text/plain', async () => {
    const none = await fetch(url('unit-1'));
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('text/plain');
    expect(await none.text()).toContain('Missing or invalid authentication token');
    expect((await fetch(url('unit-1'), { headers: auth('wrong') })).status).toBe(401);
    expect((await fetch(url('unit-1'), { method: 'PUT', body })).status).toBe(401);
  });

  it('answers 403 to a PUT with a read-only token, which may still read', async () => {
    const put = await fetch(url('unit-2'), { method: 'PUT', headers: auth(server.readToken), body });
    expect(put.status).toBe(403);
    expect(await put.text()).toContain('read');
    expect((await fetch(url('unit-2'), { headers: auth(server.readToken) })).status).toBe(404);
  });

  it('stores a PUT (200), refuses to overwrite it (409), and returns the same bytes (200)', async () => {
    const before = { ...server.counters };
    expect((await fetch(url('unit-3'), { method: 'PUT', headers: auth(server.writeToken), body })).status).toBe(200);
    const again = await fetch(url('unit-3'), { method: 'PUT', headers: auth(server.writeToken), body: Buffer.from('other bytes') });
    expect(again.status).toBe(409);
    const get = await fetch(url('unit-3'), { headers: auth(server.readToken) });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await get.arrayBuffer()).equals(body)).toBe(true);
    expect(server.counters.puts - before.puts).toBe(1);
    expect(server.counters.conflicts - before.conflicts).toBe(1);
    expect(server.counters.hits - before.hits).toBe(1);
  });

  it('answers 404 for an unknown hash and 400 for a PUT without Content-Length', async () => {
    expect((await fetch(url('unit-unknown'), { headers: auth(server.writeToken) })).status).toBe(404);
    expect(await rawPut(url('unit-4'), server.writeToken, body)).toBe(400);
    expect(server.entries()).not.toContain('unit-4');
  });

  it('never stores an upload cut short, and accepts the hash again afterwards', async () => {
    const { port } = new URL(server.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`PUT /v1/cache/unit-5 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${server.writeToken}\r\nContent-Length: 1000\r\n\r\n`);
        socket.end(body.subarray(0, 10));
      });
      socket.on('error', reject);
      socket.on('close', () => resolve());
      socket.resume();
    });
    await new Promise((r) => setTimeout(r, 50));
    // The server did take it as an upload, and did not answer it with a stored 200.
    expect(server.requests.filter((q) => q.method === 'PUT' && q.hash === 'unit-5').map((q) => q.status)).toEqual([0]);
    expect((await fetch(url('unit-5'), { headers: auth(server.writeToken) })).status).toBe(404);
    expect((await fetch(url('unit-5'), { method: 'PUT', headers: auth(server.writeToken), body })).status).toBe(200);
  });

  it('answers 500 in error500 mode and refuses connections when down', async () => {
    await server.setMode('error500');
    try {
      expect((await fetch(url('unit-3'), { headers: auth(server.writeToken) })).status).toBe(500);
    } finally {
      await server.setMode('ok');
    }
    await server.setMode('down');
    try {
      await expect(fetch(url('unit-3'), { headers: auth(server.writeToken) })).rejects.toThrow();
    } finally {
      await server.setMode('ok');
    }
    expect((await fetch(url('unit-3'), { headers: auth(server.writeToken) })).status).toBe(200);
    server.clear();
    server.resetCounters();
  });
});

describe('two machines share one remote cache', () => {
  let A: Machine;
  let B: Machine;
  let wsA: Workspace;
  let wsB: Workspace;
  let plans: WorkerPlan[];
  let prodTasks: string[];
  let prodOutputs: string[];
  const rw = () => ({ url: server.url, token: server.writeToken });
  const downloaded = new Map<string, string>();
  const hitMs: number[] = [];
  let goCacheAfterHits = 0;
  const coldMs: number[] = [];
  const clearOutputs = () => {
    for (const f of prodOutputs) rmSync(wsB.path(f), { force: true });
  };

  beforeAll(async () => {
    A = new Machine('A');
    B = new Machine('B');
    wsA = Workspace.create({ parent: A.dir('checkout'), env: A.env(rw()) });
    wsB = Workspace.create({ parent: B.dir('checkout'), env: B.env(rw()) });
    // The same commit on both: B takes A's history, and nothing else.
    wsB.git('fetch', '-q', wsA.root, 'main');
    wsB.git('reset', '-q', '--hard', 'FETCH_HEAD');
    wsB.git('clean', '-qfdx', '-e', 'node_modules');
    plans = await workerPlans(wsA, {});
    prodTasks = plans.flatMap((p) => p.prodTasks);
    prodOutputs = plans.flatMap((p) => p.prodOutputs);
  });
  afterAll(() => {
    wsA?.destroy();
    wsB?.destroy();
    A?.destroy();
    B?.destroy();
  });

  it('puts the two checkouts at different paths on the same commit', () => {
    expect(wsA.root).not.toBe(wsB.root);
    expect(wsB.root.startsWith(A.base)).toBe(false);
    expect(wsB.git('rev-parse', 'HEAD')).toBe(wsA.git('rev-parse', 'HEAD'));
    expect(wsB.git('status', '--porcelain')).toBe('');
    expect(plans.length).toBeGreaterThanOrEqual(2);
    // build-prod plus at least two platforms per worker: a real matrix crosses the wire.
    for (const p of plans) expect(p.prodOutputs.length).toBeGreaterThanOrEqual(3);
    expect(prodTasks.length).toBeGreaterThanOrEqual(plans.length * 2);
  });

  it('A builds everything, misses every task and uploads each one', async () => {
    server.resetCounters();
    const r = await nxAsyncOk(wsA, PROD_COMMAND);
    expectStates(r, prodTasks, 'miss');
    expect(server.counters.puts).toBe(prodTasks.length);
    // One more GET than tasks: the plugin's pre-run probe of hash 0, which no one stores.
    expect(server.counters.misses).toBe(prodTasks.length + 1);
    // How Nx talks to the server: bearer token, octet-stream, a sized gzip'd tar body.
    const puts = server.requests.filter((q) => q.method === 'PUT');
    expect(puts.every((q) => q.authorization === `Bearer ${server.writeToken}`)).toBe(true);
    expect(puts.every((q) => q.contentType === 'application/octet-stream')).toBe(true);
    expect(puts.every((q) => q.contentLength !== undefined && Number(q.contentLength) === q.bodyBytes)).toBe(true);
    expect(server.requests.filter((q) => q.method === 'GET' && q.hash === '0')).toHaveLength(1);
    const gets = server.requests.filter((q) => q.method === 'GET' && q.hash !== '0');
    expect(gets).toHaveLength(prodTasks.length);
    expect(gets.every((q) => q.authorization === `Bearer ${server.writeToken}` && q.accept === 'application/octet-stream')).toBe(true);
    const entries = server.entries().map((h) => server.read(h));
    expect(entries.every((e) => e[0] === 0x1f && e[1] === 0x8b)).toBe(true);
    const names = entries.flatMap(tarEntries);
    expect(names.filter((n) => n === 'code')).toHaveLength(prodTasks.length);
    expect(names.filter((n) => n === 'terminalOutput')).toHaveLength(prodTasks.length);
    for (const out of prodOutputs) expect(names).toContain(out);
  });

  it('B, with empty caches at another path, takes every task from the remote cache', async () => {
    const before = { ...server.counters };
    const r = await nxAsyncOk(wsB, PROD_COMMAND);
    expectStates(r, prodTasks, 'remote cache');
    expect(server.counters.hits - before.hits).toBe(prodTasks.length);
    expect(server.counters.puts - before.puts).toBe(0);
    const remote = [...r.tasks].filter(([id, s]) => prodTasks.includes(id) && s === 'remote cache').length;
    metrics.remoteHitRate = { hits: remote, cacheableTasks: prodTasks.length, rate: remote / prodTasks.length };
    hitMs.push(r.ms);
    for (const [f, h] of hashes(wsB, prodOutputs)) downloaded.set(f, h);
    // The downloads are A's files.
    expect(hashes(wsA, prodOutputs)).toEqual(downloaded);
    goCacheAfterHits = goCacheEntries(B.dir('gocache'));
  });

  it('B rebuilds everything itself (--skip-nx-cache, no server) byte for byte', async () => {
    // Also the first cold sample: fresh Nx and Go caches, no remote cache. No downloaded file stays behind.
    clearOutputs();
    const r = await nxAsyncOk(wsB, [...PROD_COMMAND, '--skip-nx-cache'], {
      ...B.freshNx(),
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: undefined,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: undefined,
    });
    expectStates(r, prodTasks, 'miss');
    coldMs.push(r.ms);
    // B had compiled nothing before: hashing's `go env` leaves a handful of Go cache entries, a build thousands.
    const afterBuild = goCacheEntries(B.dir('gocache'));
    metrics.goCacheEntriesOnB = { afterRemoteHits: goCacheAfterHits, afterOwnBuild: afterBuild };
    expect(afterBuild).toBeGreaterThan(20 * Math.max(goCacheAfterHits, 1));
    const rebuilt = hashes(wsB, prodOutputs);
    const differing = [...rebuilt].filter(([f, h]) => downloaded.get(f) !== h).map(([f]) => f);
    metrics.byteIdentity = { files: prodOutputs.length, identical: prodOutputs.length - differing.length, differing };
    expect(differing).toEqual([]);
    // Every binary was rebuilt (the example's build job, also among the tasks, writes no binary).
    expect(rebuilt.size).toBe(prodOutputs.length);
  });

  it('times checkout B with remote hits against a cold build (medians of 3)', async () => {
    for (let i = 0; i < 2; i++) {
      clearOutputs();
      const cold = await nxAsyncOk(wsB, PROD_COMMAND, {
        ...B.freshNx({ goCache: true }),
        NX_SELF_HOSTED_REMOTE_CACHE_SERVER: undefined,
        NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: undefined,
      });
      expectStates(cold, prodTasks, 'miss');
      expect(hashes(wsB, prodOutputs)).toEqual(downloaded);
      coldMs.push(cold.ms);
      clearOutputs();
      const hit = await nxAsyncOk(wsB, PROD_COMMAND, B.freshNx({ goCache: true }));
      expectStates(hit, prodTasks, 'remote cache');
      expect(hashes(wsB, prodOutputs)).toEqual(downloaded);
      hitMs.push(hit.ms);
    }
    const round = (v: number) => Math.round(v);
    metrics.timing = {
      command: `nx ${PROD_COMMAND.join(' ')}`,
      tasks: prodTasks.length,
      remoteHitsMs: hitMs.map(round),
      coldMs: coldMs.map(round),
      remoteHitsMedianMs: round(median(hitMs)),
      coldMedianMs: round(median(coldMs)),
    };
    console.log(
      `[remote-cache metrics] nx ${PROD_COMMAND.join(' ')} (${prodTasks.length} cacheable tasks, ${cpus().length} CPUs): ` +
        `checkout B with remote hits median ${round(median(hitMs))} ms (runs ${hitMs.map(round).join(', ')}); ` +
        `cold build, fresh caches, no server median ${round(median(coldMs))} ms (runs ${coldMs.map(round).join(', ')}); ` +
        `remote hit rate ${JSON.stringify(metrics.remoteHitRate)}; byte-identical ${JSON.stringify(metrics.byteIdentity)}`,
    );
    expect(hitMs).toHaveLength(3);
    expect(coldMs).toHaveLength(3);
  });

  describe('development builds (no -trimpath) and checkout paths', () => {
    let devA: Map<string, string>;

    it('a development build embeds the absolute checkout path when untrimmed', async () => {
      await nxAsyncOk(wsA, ['run-many', '-t', 'build']);
      devA = hashes(wsA, plans.map((p) => p.devOutput));
      for (const p of plans) {
        const embeds = readFileSync(wsA.path(p.devOutput)).includes(Buffer.from(wsA.root));
        expect({ worker: p.name, embedsPath: embeds }).toEqual({ worker: p.name, embedsPath: !p.devTrimmed });
      }
      expect(plans.some((p) => !p.devTrimmed)).toBe(true);
    });

    it('B at another path gets no untrimmed development build from A; trimmed ones still travel', async () => {
      const before = { ...server.counters };
      const r = await nxAsyncOk(wsB, ['run-many', '-t', 'build']);
      const states = Object.fromEntries(plans.map((p) => [`${p.name}:build`, r.tasks.get(`${p.name}:build`)]));
      expect(states).toEqual(Object.fromEntries(plans.map((p) => [`${p.name}:build`, p.devTrimmed ? 'remote cache' : 'miss'])));
      metrics.devBuildsAcrossPaths = states;
      for (const p of plans) {
        const binary = readFileSync(wsB.path(p.devOutput));
        // No binary that names A's checkout ever reaches B.
        expect(binary.includes(Buffer.from(wsA.root))).toBe(false);
        if (!p.devTrimmed) expect(binary.includes(Buffer.from(wsB.root))).toBe(true);
      }
      expect(server.counters.puts - before.puts).toBe(plans.filter((p) => !p.devTrimmed).length);
    });

    it('a trimmed development build that travelled is what B would have built', async () => {
      const trimmed = plans.filter((p) => p.devTrimmed);
      expect(trimmed.length).toBeGreaterThan(0);
      const travelled = hashes(wsB, trimmed.map((p) => p.devOutput));
      const r = await nxAsyncOk(wsB, ['run-many', '-t', 'build', '-p', ...trimmed.map((p) => p.name), '--skip-nx-cache']);
      expectStates(r, trimmed.flatMap((p) => [...p.jobTasks, `${p.name}:build`]), 'miss');
      expect(hashes(wsB, trimmed.map((p) => p.devOutput))).toEqual(travelled);
    });

    it('a fresh checkout at the same path, with the same cache paths emptied, gets every development build remotely', async () => {
      // A's runner is recycled: the checkout is cleaned to its commit, every local cache emptied in place.
      wsA.git('clean', '-qfdx', '-e', 'node_modules');
      A.wipeLocalState();
      expect(wsA.exists(plans[0].devOutput)).toBe(false);
      const r = await nxAsyncOk(wsA, ['run-many', '-t', 'build']);
      expectStates(r, plans.flatMap((p) => [...p.jobTasks, `${p.name}:build`]), 'remote cache');
      expect(hashes(wsA, plans.map((p) => p.devOutput))).toEqual(devA);
    });
  });

  describe('stamps stay honest', () => {
    it('a new commit that touches no worker misses build-prod, and the binary names the new commit', async () => {
      const x = wsB.git('rev-parse', '--short=12', 'HEAD');
      wsB.write('NOTES.txt', 'a change outside every worker\n');
      wsB.commit('notes');
      const y = wsB.git('rev-parse', '--short=12', 'HEAD');
      expect(y).not.toBe(x);
      const before = { ...server.counters };
      const r = await nxAsyncOk(wsB, ['run-many', '-t', 'build-prod']);
      // The build jobs build-prod depends on are unstamped: the commit does not change them.
      const jobs = [...r.tasks.keys()].filter((id) => id.includes(':job-'));
      for (const j of jobs) expect(r.tasks.get(j)).toBe('local cache');
      expectStates({ ...r, tasks: new Map([...r.tasks].filter(([id]) => !jobs.includes(id))) }, plans.map((p) => `${p.name}:build-prod`), 'miss');
      // The server did hold X's build-prod entries; Y's hashes are new to it.
      expect(server.counters.hits - before.hits).toBe(0);
      expect(server.counters.puts - before.puts).toBe(plans.length);
      for (const p of plans) {
        const binary = p.prodOutputs[0];
        const version = spawnSync(wsB.path(binary), ['--version'], { encoding: 'utf8' }).stdout;
        // Each example prints the stamps its own way; each must name Y and never X.
        expect(version).toContain(y);
        expect(version).not.toContain(x);
      }
    });

    it('unstamped development builds still hit across that commit', async () => {
      const r = await nxAsyncOk(wsB, ['run-many', '-t', 'build']);
      expect([...r.tasks.values()].every((s) => s !== 'miss')).toBe(true);
      expect(r.tasks.size).toBe(plans.length + plans.flatMap((p) => p.jobTasks).length);
    });
  });

  describe('a failing cache server does not fail the build', () => {
    // A fresh checkout and fresh Nx caches each time; the Go build cache is B's, only to save compile time.
    const freshWorkspace = (env: Record<string, string | undefined>) => {
      const m = new Machine('F');
      const ws = Workspace.create({ parent: m.dir('checkout'), env: { ...m.env(rw()), GOCACHE: B.dir('gocache'), ...env } });
      // A's commit, so that what A uploaded applies here.
      ws.git('fetch', '-q', wsA.root, 'main');
      ws.git('reset', '-q', '--hard', 'FETCH_HEAD');
      ws.git('clean', '-qfdx', '-e', 'node_modules');
      return {
        ws,
        done: () => {
          ws.destroy();
          m.destroy();
        },
      };
    };
    const behaviour: Record<string, unknown> = {};
    metrics.failureBehaviour = behaviour;
    const record = (label: string, r: TimedRunResult) => {
      const printed = r.output
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /NX |[Rr]emote|Failed|request|rror/.test(l));
      behaviour[label] = { exitCode: r.code, printed };
      console.log(`[remote-cache failure: ${label}] nx exited ${r.code}; it printed:\n${printed.join('\n')}`);
    };
    const expectBuilt = (ws: Workspace, r: TimedRunResult) => {
      if (r.code !== 0) throw new Error(`nx run-many -t build exited ${r.code} although only the remote cache failed:\n${r.output}`);
      for (const p of plans) expect(ws.exists(p.devOutput)).toBe(true);
    };

    it('when the server answers 500', async () => {
      const { ws, done } = freshWorkspace({});
      try {
        await server.setMode('error500');
        server.resetCounters();
        const r = await nxAsync(ws, ['run-many', '-t', 'build']);
        record('error500', r);
        expect(server.counters.errors).toBeGreaterThan(0);
        expect(r.output).toMatch(/@tqserver\/nx-go: the remote cache \S+ answered 500 .*; this run builds without it/);
        expectBuilt(ws, r);
      } finally {
        await server.setMode('ok');
        done();
      }
    });

    it('when the server is down', async () => {
      const { ws, done } = freshWorkspace({});
      try {
        await server.setMode('down');
        const r = await nxAsync(ws, ['run-many', '-t', 'build']);
        record('down', r);
        expect(r.output).toMatch(/@tqserver\/nx-go: the remote cache \S+ could not be reached \(ECONNREFUSED\); this run builds without it/);
        expectBuilt(ws, r);
      } finally {
        await server.setMode('ok');
        done();
      }
    });

    it('NX_SKIP_REMOTE_CACHE=true, the CI recipe\'s fallback, builds without the server', async () => {
      const { ws, done } = freshWorkspace({ NX_SKIP_REMOTE_CACHE: 'true' });
      try {
        await server.setMode('down');
        const r = await nxAsync(ws, ['run-many', '-t', 'build']);
        record('down + NX_SKIP_REMOTE_CACHE=true', r);
        expect(r.output).toContain('Remote Cache Disabled');
        expectBuilt(ws, r);
      } finally {
        await server.setMode('ok');
        done();
      }
    });

    it('a read-only token (untrusted PR builds) reads hits and never writes', async () => {
      const { ws, done } = freshWorkspace({ NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: server.readToken });
      try {
        server.resetCounters();
        const stored = server.entries().length;
        // The PR changes one worker (uncommitted, as a PR build's merge result would be to the cache).
        const [changed, ...others] = plans;
        ws.write(`${changed.devOutput.split('/').slice(0, 2).join('/')}/src/pr_change.go`, 'package main\n\nvar prChange = 1\n');
        const r = await nxAsyncOk(ws, PROD_COMMAND);
        expect(Object.fromEntries(r.tasks)).toEqual({
          ...Object.fromEntries(changed.prodTasks.map((t) => [t, 'miss'])),
          ...Object.fromEntries(others.flatMap((p) => p.prodTasks).map((t) => [t, 'remote cache'])),
        });
        expect(server.counters.forbidden).toBe(changed.prodTasks.length);
        expect(server.counters.puts).toBe(0);
        expect(server.entries().length).toBe(stored);
        record('read-only token', r);
      } finally {
        done();
      }
    });
  });
});

describe('CI recipe: docs/ci/github-actions.yml', () => {
  const file = join(REPO_ROOT, 'docs', 'ci', 'github-actions.yml');
  type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; id?: string };

  it('parses, fetches full history, sets the bases and runs nx affected with the remote cache', () => {
    expect(existsSync(file)).toBe(true);
    const wf = parse(readFileSync(file, 'utf8'));
    const jobs = Object.values(wf.jobs as Record<string, { env?: Record<string, string>; steps: Step[] }>);
    expect(jobs.length).toBeGreaterThan(0);
    const job = jobs.find((j) => j.steps.some((s) => /nx affected/.test(s.run ?? '')))!;
    expect(job).toBeDefined();
    const steps = job.steps;
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['fetch-depth']).toBe(0);
    expect(steps.some((s) => s.uses?.startsWith('nrwl/nx-set-shas@'))).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith('actions/setup-go@'))).toBe(true);
    const affected = steps.find((s) => /nx affected/.test(s.run ?? ''))!;
    expect(affected.run).toMatch(/nx affected (-t|--targets?[ =])\s*build build-prod test\b/);
    // The remote cache variables reach the nx step (job- or step-level), from secrets.
    const env = { ...(wf.env ?? {}), ...(job.env ?? {}), ...(affected.env ?? {}) } as Record<string, string>;
    expect(env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER).toMatch(/secrets\./);
    expect(env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN).toMatch(/secrets\./);
    // Write token only on trusted pushes to main; everything else reads.
    expect(env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN).toMatch(/refs\/heads\/main/);
    expect(env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN).toMatch(/READ/);
    // The setup-go step's own cache is off; one explicit cache holds GOCACHE and GOMODCACHE.
    const setupGo = steps.find((s) => s.uses?.startsWith('actions/setup-go@'))!;
    expect(setupGo.with?.cache).toBe(false);
    const goCache = steps.find((s) => s.uses?.startsWith('actions/cache@'))!;
    expect(goCache).toBeDefined();
    const paths = String(goCache.with?.path);
    expect(paths).toMatch(/GOCACHE|gocache|go-build/i);
    expect(paths).toMatch(/GOMODCACHE|gomodcache|pkg\/mod/i);
    const key = String(goCache.with?.key);
    expect(key).toContain("hashFiles('**/go.sum')");
    expect(key).toMatch(/runner\.os/);
    expect(key).toMatch(/go-version/);
    // The cache is restored before anything hashes, and nx runs after it.
    expect(steps.indexOf(goCache)).toBeLessThan(steps.indexOf(affected));
  });

  it('is the workflow that docs/remote-cache.md shows', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'remote-cache.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(doc);
    expect(block).not.toBeNull();
    expect(parse(block![1])).toEqual(parse(readFileSync(file, 'utf8')));
  });
});
