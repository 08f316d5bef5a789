// cross-compile, vendor, test, vet and build validation, with real go.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishModule } from './support/go-proxy';
import { fromCache, sha256, Workspace } from './support/workspace';

const PLATFORMS = ['linux-amd64', 'linux-arm64', 'darwin-amd64', 'darwin-arm64', 'windows-amd64'];

function buildSettings(ws: Workspace, binary: string): Record<string, string> {
  const r = spawnSync('go', ['version', '-m', binary], { encoding: 'utf8', env: ws.env });
  if (r.status !== 0) throw new Error(`go version -m ${binary}: ${r.stderr}`);
  return Object.fromEntries([...r.stdout.matchAll(/^\s+build\s+(\S+?)=(.*)$/gm)].map((m) => [m[1], m[2]]));
}

describe('cross-compile', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = Workspace.create();
  });
  afterAll(() => ws.destroy());

  const binary = (p: string) => `workers/api/dist/api-${p}${p.startsWith('windows') ? '.exe' : ''}`;

  it('builds the seed matrix in one cached task, with the right GOOS/GOARCH in every binary', () => {
    const r = ws.nxOk(['run', 'api:cross-compile']);
    expect(r.tasks.get('api:cross-compile')).toBe('miss');
    for (const p of PLATFORMS) {
      const [goos, goarch] = p.split('-');
      expect(ws.exists(binary(p))).toBe(true);
      const settings = buildSettings(ws, ws.path(binary(p)));
      expect([settings.GOOS, settings.GOARCH, settings.CGO_ENABLED]).toEqual([goos, goarch, '0']);
      expect(settings['-trimpath']).toBe('true');
    }
    expect(r.output).toContain('api: cross-compile linux/amd64: validated api-linux-amd64 --version');
  });

  it('restores every binary from the cache, and rebuilds them byte for byte', () => {
    const before = Object.fromEntries(PLATFORMS.map((p) => [p, sha256(ws.path(binary(p)))]));
    for (const p of PLATFORMS) ws.remove(binary(p));
    const again = ws.nxOk(['run', 'api:cross-compile']);
    expect(fromCache(again.tasks.get('api:cross-compile'))).toBe(true);
    for (const p of PLATFORMS) expect(sha256(ws.path(binary(p)))).toBe(before[p]);
    ws.nxOk(['run', 'api:cross-compile', '--skip-nx-cache']);
    for (const p of PLATFORMS) expect(sha256(ws.path(binary(p)))).toBe(before[p]);
  });

  it('misses only cross-compile when the matrix changes: the project configuration stays as it was', () => {
    const all = ['run-many', '-t', 'build', 'build-prod', 'cross-compile', 'test', '-p', 'api'];
    ws.nxOk(all);
    const config = ws.read('workers/api/config.yaml');
    ws.write('workers/api/config.yaml', `${config}  cross_compile:\n    platforms: [linux/amd64, linux/arm64, darwin/amd64, darwin/arm64, windows/amd64, linux/386]\n`);
    const r = ws.nxOk(all);
    expect(r.tasks.get('api:cross-compile')).toBe('miss');
    for (const t of ['build', 'build-prod', 'test']) expect(fromCache(r.tasks.get(`api:${t}`))).toBe(true);
    expect(buildSettings(ws, ws.path('workers/api/dist/api-linux-386')).GOARCH).toBe('386');
    // Back to the seed matrix: its entry again.
    ws.write('workers/api/config.yaml', config);
    expect(fromCache(ws.nxOk(['run', 'api:cross-compile']).tasks.get('api:cross-compile'))).toBe(true);
    // A build of the seed matrix removes the 386 binary, a declared output it does not write.
    ws.write('workers/api/dist/api-linux-386', 'stale');
    ws.nxOk(['run', 'api:cross-compile', '--skip-nx-cache']);
    expect(ws.exists('workers/api/dist/api-linux-386')).toBe(false);
  });

  it('builds one platform with --platform, as a cache entry of its own that holds that binary only', () => {
    const one = ws.nxOk(['run', 'api:cross-compile', '--platform=linux/arm64']);
    expect(one.tasks.get('api:cross-compile')).toBe('miss');
    expect(PLATFORMS.filter((p) => ws.exists(binary(p)))).toEqual(['linux-arm64']);
    expect(buildSettings(ws, ws.path(binary('linux-arm64'))).GOARCH).toBe('arm64');
    // The whole matrix is still the other entry.
    expect(fromCache(ws.nxOk(['run', 'api:cross-compile']).tasks.get('api:cross-compile'))).toBe(true);
    expect(PLATFORMS.filter((p) => ws.exists(binary(p)))).toEqual(PLATFORMS);
    expect(fromCache(ws.nxOk(['run', 'api:cross-compile', '--platform=linux/arm64']).tasks.get('api:cross-compile'))).toBe(true);
    // A value that is not goos/goarch (a bare --platform is true to Nx) fails with a readable message, in the batch too.
    for (const bad of ['--platform', '--platform=linux']) {
      const r = ws.nx(['run', 'api:cross-compile', bad]);
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/api: cross-compile: --platform (true|"linux") is not valid; expected goos\/goarch, e.g. linux\/arm64/);
    }
  });

  it('misses for what its one named input (go-cross) stands for, and for an imported library, and hits otherwise', () => {
    const task = 'api:cross-compile';
    const run = () => ws.nxOk(['run', task, '--platform=linux/amd64']).tasks.get(task);
    run();
    // go-sources
    ws.write('workers/api/src/main.go', `${ws.read('workers/api/src/main.go')}\n// a comment\n`);
    expect(run()).toBe('miss');
    // ^go-sources, in the target itself
    ws.write('libs/textfmt/textfmt.go', `${ws.read('libs/textfmt/textfmt.go')}\n// a comment\n`);
    expect(run()).toBe('miss');
    // go-stamp (and .gitignore, which Nx hashes into every task)
    ws.write('.gitignore', `${ws.read('.gitignore')}workers/*/src/zz_*.go\n`);
    ws.commit('ignore generated files');
    expect(run()).toBe('miss');
    expect(fromCache(run())).toBe(true);
    // go-context: a gitignored Go file that go build compiles, seen only by the disk digest
    ws.write('workers/api/src/zz_extra.go', 'package main\n\nconst extra = 1\n');
    expect(run()).toBe('miss');
    // Nothing go build reads
    ws.write('workers/api/NOTES.md', 'notes\n');
    expect(fromCache(run())).toBe(true);
  });

  it('fails when one platform does not build, after building the others, and caches nothing', () => {
    // A constant only non-Windows builds define: windows/amd64 fails to compile, the rest build.
    ws.write('workers/api/src/os_unix.go', '//go:build !windows\n\npackage main\n\nconst osName = "unix"\n');
    ws.write('workers/api/src/os_use.go', 'package main\n\nvar _ = osName\n');
    for (const p of PLATFORMS) ws.remove(binary(p));
    const r = ws.nx(['run', 'api:cross-compile']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('api: cross-compile windows/amd64 failed (exit code 1)');
    expect(r.output).toContain('undefined: osName');
    expect(PLATFORMS.filter((p) => ws.exists(binary(p)))).toEqual(PLATFORMS.filter((p) => p !== 'windows-amd64'));
    expect(ws.nx(['run', 'api:cross-compile']).tasks.get('api:cross-compile')).toBe('miss');
    ws.remove('workers/api/src/os_unix.go');
    ws.remove('workers/api/src/os_use.go');
  });

  it('honours GoReleaser-style ignore pairs (auth ignores windows/amd64)', () => {
    const auth = JSON.parse(ws.nxOk(['show', 'project', 'auth', '--json']).output);
    expect(auth.targets['cross-compile'].metadata.description).toMatch(/^Production builds for linux\/amd64, linux\/arm64, darwin\/amd64, darwin\/arm64:/);
    const r = ws.nxOk(['run', 'auth:cross-compile']);
    expect(r.tasks.get('auth:cross-compile')).toBe('miss');
    expect(ws.exists('workers/auth/dist/auth-windows-amd64.exe')).toBe(false);
    expect(ws.exists('workers/auth/dist/auth-darwin-arm64')).toBe(true);
    // One platform across workers, as a CI machine of a split matrix runs it: auth's ignore still holds.
    const split = ws.nxOk(['run-many', '-t', 'cross-compile', '-p', 'api', 'auth', '--platform=windows/amd64']);
    expect(split.output).toContain("auth: cross-compile: windows/amd64 is not in auth's matrix");
    expect(ws.exists('workers/auth/dist/auth-windows-amd64.exe')).toBe(false);
    expect(ws.exists('workers/auth/dist/auth-darwin-arm64')).toBe(false);
    expect(buildSettings(ws, ws.path('workers/api/dist/api-windows-amd64.exe')).GOOS).toBe('windows');
  });
});

describe('vendor', () => {
  let ws: Workspace;
  let proxy: string;
  /** A module cache that never held greet: the vendored build must not need it. */
  const emptyModCache = { GOPROXY: 'off', GOMODCACHE: mkdtempSync(join(tmpdir(), 'nx-go-empty-modcache-')) };
  beforeAll(() => {
    proxy = mkdtempSync(join(tmpdir(), 'nx-go-proxy-'));
    publishModule(proxy, 'example.com/thirdparty/greet', 'v1.0.0', {
      'greet.go': 'package greet\n\n// Hello greets someone.\nfunc Hello(name string) string { return "hello, " + name }\n',
    });
    ws = Workspace.create({
      env: { GOSUMDB: 'off', GOFLAGS: '-modcacherw', GOMODCACHE: mkdtempSync(join(tmpdir(), 'nx-go-modcache-')) },
    });
    ws.write('workers/greeter/go.mod', 'module example.com/tqserver/workers/greeter\n\ngo 1.22\n\nrequire example.com/thirdparty/greet v1.0.0\n');
    ws.write('workers/greeter/src/main.go', 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/thirdparty/greet"\n)\n\nfunc main() { fmt.Println(greet.Hello("vendor")) }\n');
    ws.commit('greeter');
  });
  afterAll(() => ws.destroy());

  it('vendors a real third-party module served by a file-based GOPROXY', () => {
    const r = ws.nxOk(['run', 'greeter:vendor', '--tidy', '--verify'], { GOPROXY: `file://${proxy}` });
    expect(r.tasks.get('greeter:vendor')).toBe('miss');
    expect(ws.read('workers/greeter/vendor/modules.txt')).toContain('# example.com/thirdparty/greet v1.0.0');
    expect(ws.read('workers/greeter/go.sum')).toContain('example.com/thirdparty/greet v1.0.0 h1:');
  });

  it('then builds from vendor/ with an empty module cache and GOPROXY=off', () => {
    const greeter = JSON.parse(ws.nxOk(['show', 'project', 'greeter', '--json']).output);
    expect(greeter.targets.build.metadata.job.exec).toContain('-mod=vendor');
    ws.nxOk(['build', 'greeter'], emptyModCache);
    expect(spawnSync(ws.path('workers/greeter/bin/greeter'), { encoding: 'utf8' }).stdout.trim()).toBe('hello, vendor');
  });

  it('misses the cache when a vendored file changes', () => {
    expect(fromCache(ws.nxOk(['build', 'greeter'], emptyModCache).tasks.get('greeter:build'))).toBe(true);
    const file = 'workers/greeter/vendor/example.com/thirdparty/greet/greet.go';
    ws.write(file, ws.read(file).replace('"hello, "', '"hi, "'));
    expect(ws.nxOk(['build', 'greeter'], emptyModCache).tasks.get('greeter:build')).toBe('miss');
    expect(spawnSync(ws.path('workers/greeter/bin/greeter'), { encoding: 'utf8' }).stdout.trim()).toBe('hi, vendor');
  });

  it('succeeds for a worker with no external modules, creating no vendor/', () => {
    const r = ws.nxOk(['run', 'auth:vendor']);
    expect(r.output).toContain('no dependencies to vendor');
    expect(ws.exists('workers/auth/vendor')).toBe(false);
  });
});

describe('test, vet and validation', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = Workspace.create();
  });
  afterAll(() => ws.destroy());

  it('test passes on passing Go tests, is cached, and fails on a failing one', () => {
    expect(ws.nxOk(['test', 'shared']).tasks.get('shared:test')).toBe('miss');
    expect(fromCache(ws.nxOk(['test', 'shared']).tasks.get('shared:test'))).toBe(true);
    ws.write('libs/shared/fail_test.go', 'package shared\n\nimport "testing"\n\nfunc TestFails(t *testing.T) { t.Fatal("deliberate failure") }\n');
    const r = ws.nx(['test', 'shared']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('deliberate failure');
    ws.remove('libs/shared/fail_test.go');
  });

  it('test passes its options to go test', () => {
    const r = ws.nxOk(['test', 'shared', '--run=TestGreeting', '--count=1', '--cover', '--verbose']);
    expect(r.output).toContain('go test -count=1 -run=TestGreeting -cover ./...');
    expect(r.output).toMatch(/coverage: \d+(\.\d+)?% of statements/);
  });

  it('vet fails on a vet error', () => {
    expect(ws.nx(['vet', 'textfmt']).code).toBe(0);
    ws.write('libs/textfmt/bad.go', 'package textfmt\n\nimport "fmt"\n\n// Bad has a format bug.\nfunc Bad() string { return fmt.Sprintf("%d", "not a number") }\n');
    const r = ws.nx(['vet', 'textfmt']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('Sprintf format %d has arg "not a number" of wrong type string');
  });

  it('build-prod fails when the binary does not report its stamped version', () => {
    // A main that declares Version but never prints it.
    ws.write('workers/auth/src/main.go', 'package main\n\nvar Version = "dev"\n\nfunc main() {}\n');
    const r = ws.nx(['build-prod', 'auth']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/auth --version printed "", which lacks the stamped version/);
    ws.write('workers/auth/config.yaml', `${ws.read('workers/auth/config.yaml')}  validate: false\n`);
    expect(ws.nx(['build-prod', 'auth']).code).toBe(0);
  });
});
