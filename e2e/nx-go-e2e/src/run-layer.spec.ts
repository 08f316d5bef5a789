// The run layer with real nx and real go: stale outputs, validation before the rename, processes that die with
// their executor, and test/vet running apart from the build settings.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fromCache, Workspace } from './support/workspace';
import { within } from './support/within';

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  args: string;
}

function processes(): Proc[] {
  const out = spawnSync('ps', ['-eo', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' }).stdout;
  return out.split('\n').flatMap((line) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    return m ? [{ pid: Number(m[1]), ppid: Number(m[2]), pgid: Number(m[3]), args: m[4] }] : [];
  });
}

/** Polls for up to `seconds`; an upper bound only, so a slow machine passes. */
async function eventually(cond: () => boolean, seconds = 60): Promise<boolean> {
  for (let i = 0; i < seconds * 10 && !cond(); i++) await new Promise((r) => setTimeout(r, 100));
  return cond();
}

const marker = () => `${Math.floor(Math.random() * 1e6)}.75`;

describe('run layer: builds', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = Workspace.create();
  });
  afterAll(() => ws.destroy());

  it('fails a build.command that writes nothing instead of caching the previous binary, and leaves that binary in place', () => {
    ws.nxOk(['build', 'auth']);
    const binary = readFileSync(ws.path('workers/auth/bin/auth'));
    ws.write('workers/auth/config.yaml', 'build:\n  command: "echo pretending to build"\n');
    const r = ws.nx(['build', 'auth']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('auth: build: the build succeeded but wrote no workers/auth/bin/auth');
    expect(readdirSync(ws.path('workers/auth/bin'))).toEqual(['auth']);
    expect(readFileSync(ws.path('workers/auth/bin/auth')).equals(binary)).toBe(true);
    ws.git('checkout', '--', 'workers/auth/config.yaml');
  });

  it('a go build that fails leaves the last good binary in bin/, untouched, and nothing else', () => {
    ws.nxOk(['build', 'auth']);
    const binary = readFileSync(ws.path('workers/auth/bin/auth'));
    const main = ws.read('workers/auth/src/main.go');
    ws.write('workers/auth/src/main.go', `${main}\nfunc broken() { undefinedName() }\n`);
    const r = ws.nx(['build', 'auth']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('undefined: undefinedName');
    expect(readdirSync(ws.path('workers/auth/bin'))).toEqual(['auth']);
    expect(readFileSync(ws.path('workers/auth/bin/auth')).equals(binary)).toBe(true);
    ws.write('workers/auth/src/main.go', main);
  });

  it('never moves a binary that fails --version validation to dist/', () => {
    const main = ws.read('workers/auth/src/main.go');
    ws.write('workers/auth/src/main.go', 'package main\n\nimport "os"\n\nvar Version = "dev"\n\nfunc main() { os.Exit(3) }\n');
    const r = ws.nx(['build-prod', 'auth']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('auth: build-prod: auth --version failed (exit code 3)');
    expect(ws.exists('workers/auth/dist') ? readdirSync(ws.path('workers/auth/dist')) : []).toEqual([]);
    ws.write('workers/auth/src/main.go', main);
  });

  it('kills the step and its go processes, removes the temp binary and leaves the last good binary, when the executor is SIGKILLed', async () => {
    const m = marker();
    ws.nxOk(['build', 'auth']);
    const binary = readFileSync(ws.path('workers/auth/bin/auth'));
    ws.write('workers/auth/sleeper/main.go', 'package main\n\nimport "time"\n\nfunc main() { time.Sleep(time.Hour) }\n');
    // The temp output exists before the sleeps start; `go run` is a real go process with a child of its own.
    ws.write('workers/auth/config.yaml', `build:\n  timeout: 300s\n  command: "go build -o {{.Output}} ./src && { sleep ${m} & go run ./sleeper ${m}; }"\n`);
    const temps = () => (ws.exists('workers/auth/bin') ? readdirSync(ws.path('workers/auth/bin')).filter((f) => /^\.auth\..*\.tmp$/.test(f)) : []);
    const marked = () => processes().filter((p) => p.args.includes(m) && !p.args.startsWith('ps '));
    const nx = spawn(process.execPath, [ws.path('node_modules/.bin/nx'), 'build', 'auth', '--skip-nx-cache'], { cwd: ws.root, env: ws.env, detached: true, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => nx.on('exit', () => resolve()));
    try {
      // The temp binary is written, and the sleep and the sleeper binary that `go run` started are running.
      const started = () => temps().length === 1 && marked().some((p) => p.args === `sleep ${m}`) && marked().some((p) => p.args.includes('/exe/sleeper '));
      expect(await eventually(started, 120)).toBe(true);
      const sleep = marked().find((p) => p.args === `sleep ${m}`)!;
      const leader = processes().find((p) => p.pid === sleep.pgid)!;
      const executor = processes().find((p) => p.pid === leader.ppid)!;
      expect(executor.args).toMatch(/node/);
      process.kill(executor.pid, 'SIGKILL');
      expect(await eventually(() => marked().length === 0, 20)).toBe(true);
      expect(await eventually(() => temps().length === 0, 20)).toBe(true);
      expect(readdirSync(ws.path('workers/auth/bin'))).toEqual(['auth']);
      expect(readFileSync(ws.path('workers/auth/bin/auth')).equals(binary)).toBe(true);
      await within(exited, 60_000, undefined);
    } finally {
      for (const p of marked()) spawnSync('kill', ['-KILL', String(p.pid)]);
      try {
        process.kill(-nx.pid!, 'SIGKILL');
      } catch {
        // nx has exited.
      }
      ws.remove('workers/auth/sleeper');
      ws.git('checkout', '--', 'workers/auth/config.yaml');
    }
  });
});

describe('run layer: test and vet', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = Workspace.create();
  });
  afterAll(() => ws.destroy());

  it('runs a test longer than build.timeout: only go test -timeout applies', () => {
    ws.write('workers/api/config.yaml', 'build:\n  timeout: 2s\n');
    ws.write('workers/api/src/slow_test.go', 'package main\n\nimport (\n\t"testing"\n\t"time"\n)\n\nfunc TestSlow(t *testing.T) { time.Sleep(4 * time.Second) }\n');
    const r = ws.nx(['test', 'api', '--timeout=1m', '--count=1', '--skip-nx-cache']);
    expect(r.output).not.toContain('timed out');
    expect(r.code).toBe(0);
    ws.remove('workers/api/src/slow_test.go');
    ws.git('checkout', '--', 'workers/api/config.yaml');
  });

  it('runs test and vet while the worker config.yaml is broken', () => {
    ws.write('workers/api/config.yaml', 'build:\n  timeout: sixty\n');
    for (const target of ['test', 'vet']) {
      const r = ws.nx([target, 'api', '--skip-nx-cache']);
      expect(r.output).not.toContain('config.yaml:2:12');
      expect(r.code).toBe(0);
    }
    expect(ws.nx(['build', 'api']).code).not.toBe(0);
    ws.git('checkout', '--', 'workers/api/config.yaml');
  });

  it('does not apply build.env to go test (a GOOS there would cross-compile the tests)', () => {
    ws.write('workers/api/config.yaml', 'build:\n  env: { GOOS: windows, GOARCH: arm64, CGO_ENABLED: "0" }\n');
    const r = ws.nx(['test', 'api', '--count=1', '--skip-nx-cache']);
    expect(r.code).toBe(0);
    ws.git('checkout', '--', 'workers/api/config.yaml');
  });

  it('restores the --coverprofile file from the cache', () => {
    const first = ws.nxOk(['test', 'shared', '--coverprofile=cover.out']);
    expect(first.tasks.get('shared:test')).toBe('miss');
    expect(ws.read('libs/shared/cover.out')).toMatch(/^mode: set\n/);
    ws.remove('libs/shared/cover.out');
    const second = ws.nxOk(['test', 'shared', '--coverprofile=cover.out']);
    expect(fromCache(second.tasks.get('shared:test'))).toBe(true);
    expect(ws.read('libs/shared/cover.out')).toMatch(/^mode: set\n/);
    ws.remove('libs/shared/cover.out');
  });

  it('rejects a --coverprofile outside the module directory', () => {
    const r = ws.nx(['test', 'shared', '--coverprofile=../cover.out']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('shared: test: --coverprofile "../cover.out" is not inside the module directory; expected a file path relative to the module directory libs/shared');
    expect(ws.exists('libs/cover.out')).toBe(false);
  });
});
