// The core scenarios with real nx and real go: build, build-prod, cache hits, timeouts and broken-config isolation.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fromCache, sha256, Workspace } from './support/workspace';

describe('core: build and build-prod', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = Workspace.create();
  });
  afterAll(() => ws.destroy());

  it('infers workers and libraries with build targets, inputs and outputs', () => {
    const projects = JSON.parse(ws.nxOk(['show', 'projects', '--json']).output);
    expect(projects.sort()).toEqual(['api', 'auth', 'shared', 'textfmt']);
    const api = JSON.parse(ws.nxOk(['show', 'project', 'api', '--json']).output);
    expect(api.tags).toEqual(expect.arrayContaining(['go', 'go:worker']));
    expect(api.metadata.technologies).toEqual(['go']);
    expect(api.targets.build.outputs).toEqual(['{workspaceRoot}/workers/api/bin/api']);
    expect(api.targets['build-prod'].outputs).toEqual(['{workspaceRoot}/workers/api/dist/api']);
    expect(api.targets.build.inputs).toEqual(
      expect.arrayContaining(['go-sources', '^go-sources', 'go-context']),
    );
    // The installed plugin's version, and no other npm package, is part of every Go task's hash.
    const context = api.namedInputs['go-context'];
    expect(context.slice(0, 3)).toEqual(['{workspaceRoot}/go.work', '{workspaceRoot}/go.work.sum', { externalDependencies: ['@tqserver/nx-go'] }]);
    // The plugin's identity, and the digest of the files Nx cannot see (gitignored or outside the workspace).
    expect(context[3].runtime).toMatch(/^echo @tqserver\/nx-go \d+\.\d+\.\d+:[0-9a-f]{16}$/);
    // The digest script ships in the installed package and is named relative to the workspace root, where Nx runs it.
    expect(context[4].runtime).toBe('exec sh node_modules/@tqserver/nx-go/src/plan/disk-digest.sh workers/api -m libs/shared -m libs/textfmt');
    expect(ws.exists('node_modules/@tqserver/nx-go/src/plan/disk-digest.sh')).toBe(true);
    // Go's settings: a runtime input defined once in the project and named by each target that pins the same variables.
    const goEnv = api.targets.build.inputs.find((i: unknown) => typeof i === 'string' && i.startsWith('go-env'));
    expect(goEnv).toBe('go-env-without-CGO_ENABLED-with-GOROOT-GOMODCACHE');
    expect(api.namedInputs[goEnv]).toEqual([{ runtime: 'exec sh node_modules/@tqserver/nx-go/src/plan/go-env.sh CGO_ENABLED -- GOROOT GOMODCACHE' }]);
    expect(ws.exists('node_modules/@tqserver/nx-go/src/plan/go-env.sh')).toBe(true);
    const shared = JSON.parse(ws.nxOk(['show', 'project', 'shared', '--json']).output);
    expect(shared.tags).toContain('go:library');
    expect(shared.targets.build).toBeUndefined();
  });

  it('builds real binaries and takes every task from cache on the second run', () => {
    const first = ws.nxOk(['run-many', '-t', 'build']);
    // Both builds, and the routes job that auth's builds depend on (build.deps in its config.yaml).
    expect(Object.fromEntries(first.tasks)).toEqual({ 'api:build': 'miss', 'auth:build': 'miss', 'auth:job-routes': 'miss' });
    const out = spawnSync(ws.path('workers/api/bin/api'), [], { encoding: 'utf8' });
    expect(out.stdout.trim()).toBe('TQServer api\nhello from api');
    const second = ws.nxOk(['run-many', '-t', 'build']);
    expect(second.tasks.size).toBe(3);
    expect([...second.tasks.values()].every(fromCache)).toBe(true);
  });

  it('stamps, strips and reproduces build-prod byte for byte', () => {
    ws.nxOk(['build-prod', 'api']);
    const binary = ws.path('workers/api/dist/api');
    const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout;
    const commit = ws.git('rev-parse', '--short=12', 'HEAD');
    expect(version).toContain(`Git Commit: ${commit}`);
    // BuildTime is the commit time, so a rebuild of the same commit is identical.
    expect(version).toContain('Build Time: 2026-01-02T03:04:05Z');
    expect(version).toContain(`Version: ${commit}`);
    const nm = spawnSync('go', ['tool', 'nm', binary], { encoding: 'utf8', env: ws.env });
    expect(`${nm.stdout}${nm.stderr}`).toContain('no symbols');
    const before = sha256(binary);
    const rebuilt = ws.nxOk(['build-prod', 'api', '--skip-nx-cache']);
    expect(rebuilt.tasks.get('api:build-prod')).toBe('miss');
    expect(sha256(binary)).toBe(before);
  });

  it('stamps a new commit into a new binary instead of handing out the old one', () => {
    ws.nxOk(['build-prod', 'api']);
    ws.write('NOTES.txt', 'a change outside every worker\n');
    ws.commit('second');
    const r = ws.nxOk(['build-prod', 'api']);
    expect(r.tasks.get('api:build-prod')).toBe('miss');
    const version = spawnSync(ws.path('workers/api/dist/api'), ['--version'], { encoding: 'utf8' }).stdout;
    expect(version).toContain(`Git Commit: ${ws.git('rev-parse', '--short=12', 'HEAD')}`);
  });
});

describe('core: failure handling', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = Workspace.create();
  });
  afterAll(() => ws.destroy());

  it('kills the whole process tree on timeout and leaves no binary', () => {
    // A background child and a foreground one: both must die with the group.
    const marker = `${Math.floor(Math.random() * 1e6)}.5`;
    ws.write(
      'workers/auth/config.yaml',
      `build:\n  timeout: 2s\n  command: "sleep ${marker} & sleep ${marker}; go build -o {{.Output}} ./src"\n`,
    );
    const started = Date.now();
    const r = ws.nx(['build', 'auth']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('auth: build timed out after 2s');
    expect(Date.now() - started).toBeLessThan(60_000);
    const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
    expect(ps).not.toContain(`sleep ${marker}`);
    expect(ws.exists('workers/auth/bin/auth')).toBe(false);
    const leftovers = ws.exists('workers/auth/bin') ? readdirSync(ws.path('workers/auth/bin')) : [];
    expect(leftovers).toEqual([]);
  });

  it('leaves no process behind on Ctrl-C', async () => {
    const marker = `${Math.floor(Math.random() * 1e6)}.25`;
    ws.write('workers/auth/config.yaml', `build:\n  timeout: 120s\n  command: "sleep ${marker} & sleep ${marker}; go build -o {{.Output}} ./src"\n`);
    // Its own process group, as a terminal's foreground job is, so one signal reaches all of it.
    const nx = spawn(process.execPath, [ws.path('node_modules/.bin/nx'), 'build', 'auth', '--skip-nx-cache'], { cwd: ws.root, env: ws.env, detached: true, stdio: 'ignore' });
    const running = () => spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout.includes(`sleep ${marker}`);
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 100));
      return cond();
    };
    expect(await until(running)).toBe(true);
    process.kill(-nx.pid!, 'SIGINT');
    const exited = new Promise<number | null>((resolve) => nx.on('exit', (code) => resolve(code)));
    expect(await exited).not.toBe(0);
    expect(await until(() => !running())).toBe(true);
  });

  it('keeps building other workers while one config.yaml is malformed', () => {
    ws.write('workers/auth/config.yaml', 'build:\n  timeout: sixty\n  flags: -trimpath\n');
    const api = ws.nx(['build', 'api']);
    expect(api.code).toBe(0);
    const auth = ws.nx(['build', 'auth']);
    expect(auth.code).not.toBe(0);
    expect(auth.output).toContain('workers/auth/config.yaml:2:12: build.timeout: "sixty" is not valid; expected a Go duration');
    expect(auth.output).toContain('workers/auth/config.yaml:3:10: build.flags:');
  });

  it('refuses to cache a binary that embeds a file its hash leaves out', () => {
    ws.write('workers/auth/config.yaml', 'build:\n  timeout: 30s\n');
    ws.write('workers/auth/src/HELP.md', '# auth help\n');
    // gofmt indents the directive inside a var block; the guard must see it there too.
    ws.write('workers/auth/src/help.go', 'package main\n\nimport _ "embed"\n\nvar (\n\t//go:embed HELP.md\n\thelp string\n)\n');
    const r = ws.nx(['build', 'auth']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('workers/auth/src/help.go embeds workers/auth/src/HELP.md, which is not among the build\'s inputs; add "src/HELP.md" to build.sources');
    ws.write('workers/auth/config.yaml', 'build:\n  timeout: 30s\n  sources: ["src/**/*", "go.mod"]\n');
    expect(ws.nx(['build', 'auth']).code).toBe(0);
    ws.remove('workers/auth/src/help.go');
    ws.remove('workers/auth/src/HELP.md');
  });

  it('refuses to cache a binary that embeds a gitignored file no build.sources entry names', () => {
    ws.write('workers/auth/config.yaml', 'build:\n  timeout: 30s\n');
    ws.write('.gitignore', `${ws.read('.gitignore')}generated/\n`);
    ws.write('workers/auth/src/generated/ui.html', '<h1>generated</h1>\n');
    ws.write('workers/auth/src/ui.go', 'package main\n\nimport "embed"\n\n//go:embed generated\nvar ui embed.FS\n');
    const r = ws.nx(['build', 'auth']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('workers/auth/src/ui.go embeds workers/auth/src/generated/ui.html, which git ignores, so Nx cannot hash it; list it in build.sources (for example "src/generated/**")');
    ws.write('workers/auth/config.yaml', 'build:\n  timeout: 30s\n  sources: ["src/**/*.go", "src/generated/**"]\n');
    expect(ws.nx(['build', 'auth']).code).toBe(0);
    ws.remove('workers/auth/src/ui.go');
    ws.remove('workers/auth/src/generated');
  });

  it('says how to fix a missing go in one line', () => {
    ws.write('workers/auth/config.yaml', 'build:\n  timeout: 30s\n');
    const r = ws.nx(['build', 'auth', '--skip-nx-cache'], { PATH: '/usr/bin:/bin' });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('go was not found on PATH. Install Go');
  });
});
