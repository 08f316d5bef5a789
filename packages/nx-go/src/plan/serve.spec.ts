// Specifies the serve plan: the watch set taken from the project graph's inputs, the worker's environment and ports.
import { SERVE_DEFAULTS } from '../config/serve-settings';
import { parseServerSettings, parseWorkerSettings } from '../config/settings';
import { makeWorker, planBuild } from './build';
import { sourceInputs, WORKSPACE_GO_FILES } from './inputs';
import { defaultPort, expandInput, isWatchedInput, planServe, planWatch, staticBase, type GraphModule } from './serve';

const server = parseServerSettings(null, null);
const apiSettings = parseWorkerSettings(null, null, server);
const build = planBuild(makeWorker('api', 'workers/api', apiSettings, server, { hasSrc: true, vendored: false }), { target: 'build' });

// As the project graph holds them: the worker's go-sources and go-context, and its libraries' go-sources.
const modules: GraphModule[] = [
  { root: 'workers/api', inputs: [...sourceInputs(apiSettings), ...WORKSPACE_GO_FILES, { runtime: 'echo x' }] },
  { root: 'libs/shared', inputs: sourceInputs() },
  { root: 'libs/textfmt', inputs: sourceInputs() },
];

describe('expandInput and staticBase', () => {
  it.each([
    ['{projectRoot}/**/*', 'workers/api', 'workers/api/**/*', 'workers/api'],
    ['{projectRoot}/src/**/*.go', 'workers/api', 'workers/api/src/**/*.go', 'workers/api/src'],
    ['{workspaceRoot}/go.work', 'workers/api', 'go.work', 'go.work'],
    ['{projectRoot}/**/*.go', '.', '**/*.go', '.'],
    ['{projectRoot}/go.mod', '.', 'go.mod', 'go.mod'],
    ['{projectRoot}/{a,b}/x.go', 'pkg/worker', 'pkg/worker/{a,b}/x.go', 'pkg/worker'],
  ])('%s in %s -> %s, watched from %s', (pattern, root, expanded, base) => {
    expect(expandInput(pattern, root)).toBe(expanded);
    expect(staticBase(expanded)).toBe(base);
  });
});

describe('planWatch', () => {
  const set = planWatch(modules, [], ['workers/api/bin']);

  it('watches each module root and the workspace go.work files, nothing else', () => {
    expect(set.paths).toEqual(['go.work', 'go.work.sum', 'libs/shared', 'libs/textfmt', 'workers/api']);
  });

  it.each([
    ['workers/api/src/main.go', true],
    ['workers/api/src/banner.txt', true],
    ['workers/api/go.mod', true],
    ['libs/shared/shared.go', true],
    ['libs/textfmt/textfmt.go', true],
    ['go.work', true],
    // What the build's hash leaves out leaves the watcher quiet too.
    ['workers/api/src/main_test.go', false],
    ['libs/shared/shared_test.go', false],
    ['workers/api/README.md', false],
    ['workers/api/config.yaml', false],
    ['workers/api/bin/api', false],
    ['libs/unused/unused.go', false],
    ['workers/auth/src/main.go', false],
    ['workers/api/testdata/x.go', false],
  ])('%s is an input: %s', (rel, expected) => {
    expect(isWatchedInput(set, rel)).toBe(expected);
  });

  it("applies a module's exclusions to that module only", () => {
    // A root module that leaves its nested worker out must not hide the worker's own files.
    const nested = planWatch(
      [
        { root: '.', inputs: ['{projectRoot}/**/*.go', '!{projectRoot}/workers/**'] },
        { root: 'workers/hello', inputs: ['{projectRoot}/**/*'] },
      ],
      [],
      [],
    );
    expect(nested.paths).toEqual(['.']);
    expect(isWatchedInput(nested, 'workers/hello/src/main.go')).toBe(true);
    expect(isWatchedInput(nested, 'workers/other/src/main.go')).toBe(false);
    expect(isWatchedInput(nested, 'pkg/worker/worker.go')).toBe(true);
  });

  it('adds the files that build flags name', () => {
    const withFlags = planWatch(modules.slice(0, 1), ['workers/api/default.pgo.prof'], []);
    expect(isWatchedInput(withFlags, 'workers/api/default.pgo.prof')).toBe(true);
  });
});

describe('defaultPort', () => {
  it('gives each worker its own port from port_range_start, in name order', () => {
    const workers = ['auth', 'api', 'billing'];
    expect(workers.map((w) => defaultPort(SERVE_DEFAULTS, workers, w))).toEqual([9001, 9000, 9002]);
  });

  it('fails with the fix when the range is exhausted', () => {
    expect(() => defaultPort({ portRangeStart: 9000, portRangeEnd: 9000 }, ['a', 'b'], 'b')).toThrow(
      'b: no default port left in workers.port_range_start..port_range_end (9000-9000) for worker #2; pass --port',
    );
  });
});

describe('planServe', () => {
  const plan = planServe({
    name: 'api',
    root: 'workers/api',
    build,
    buildTimeoutMs: 60_000,
    modules,
    settings: { ...SERVE_DEFAULTS, debounceMs: 80 },
    workers: ['api', 'auth'],
    workerPath: '/api',
    options: { env: { EXTRA: '1' }, args: ['--verbose'] },
  });

  it('starts the build output in the worker directory with TQServer environment', () => {
    expect(plan.binary).toBe('workers/api/bin/api');
    expect(plan.cwd).toBe('workers/api');
    expect(plan.build).toBe(build);
    expect(plan.env).toEqual({ WORKER_NAME: 'api', WORKER_PATH: '/api', WORKER_TYPE: 'go', WORKER_MODE: 'dev', EXTRA: '1' });
    expect(plan.args).toEqual(['--verbose']);
  });

  it('takes defaults from the settings: port range, health check, debounce, proxy on', () => {
    expect([plan.port, plan.host, plan.proxy, plan.healthPath, plan.healthTimeoutMs, plan.shutdownGraceMs, plan.debounceMs]).toEqual([
      9000, '127.0.0.1', true, '/health', 5000, 5000, 80,
    ]);
    expect(plan.watch.outputDirs).toEqual(['libs/shared/bin', 'libs/shared/dist', 'libs/textfmt/bin', 'libs/textfmt/dist', 'workers/api/bin', 'workers/api/dist']);
  });

  it('keeps the worker name and port of a project that project.json renames: both follow the directory', () => {
    const renamed = planServe({ name: 'zz-api', root: 'workers/api', build, buildTimeoutMs: 1, modules, settings: SERVE_DEFAULTS, workers: ['api', 'auth'], workerPath: '/api', options: {} });
    expect(renamed.port).toBe(plan.port);
    expect(renamed.env.WORKER_NAME).toBe('api');
    expect(renamed.label).toBe('zz-api: serve');
  });

  it('lets options override port, proxy and the health check', () => {
    const p = planServe({ name: 'api', root: 'workers/api', build, buildTimeoutMs: 1, modules, settings: SERVE_DEFAULTS, workers: [], workerPath: '/', options: { port: 4000, proxy: false, healthPath: false } });
    expect([p.port, p.proxy, p.healthPath]).toEqual([4000, false, null]);
  });

  it("runs TQServer's server as its docs do: from the root, -mode dev, on server.port, restarted in place, ready on TCP", () => {
    const p = planServe({ name: 'server', root: 'server', build, buildTimeoutMs: 1, modules, settings: { ...SERVE_DEFAULTS, serverPort: 8181 }, workers: ['api'], workerPath: '/', options: { server: true } });
    expect([p.cwd, p.args, p.env, p.port, p.proxy, p.healthPath]).toEqual(['.', ['-mode', 'dev'], { TQSERVER_MODE: 'dev' }, 8181, false, null]);
  });
});
