// The build executor's batch mode with real nx and real go: Nx runs every build task of a run in one process
// (preferBatch), and each task keeps its own timeout, failure, log and cache entry, on every supported Nx major.
import { spawnSync } from 'node:child_process';
import { NX_VERSIONS } from './support/paths';
import { fromCache, Workspace, type RunResult } from './support/workspace';

/** The part of static output that Nx printed for one task: from its `> nx run` header to the next header. */
function taskSection(output: string, task: string): string {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
  const start = clean.indexOf(`> nx run ${task}`);
  if (start === -1) return '';
  const next = clean.indexOf('> nx run ', start + 1);
  return clean.slice(start, next === -1 ? undefined : next);
}

/** Every build waits for the builds of the projects it depends on (targetDefaults), as in both dependency tests. */
function buildAfterDependencies(ws: Workspace): void {
  const nxJson = JSON.parse(ws.read('nx.json'));
  ws.write('nx.json', JSON.stringify({ ...nxJson, targetDefaults: { ...nxJson.targetDefaults, build: { dependsOn: ['^build'] } } }, null, 2));
}

/** One batch of two builds: `failed` fails, and `dependent` is reported as not run (status 'skipped'), not as failed. */
function expectNotRunAfter(r: RunResult, failed: string, dependent: string): void {
  expect(r.code).not.toBe(0);
  expect(r.output).toMatch(/Running 2 tasks with @tqserver\/nx-go:build/);
  expect(r.output).toMatch(new RegExp(`Tasks not run because their dependencies failed[^\\n]*\\n\\s*- ${dependent}\\n`));
  expect(r.output).toMatch(new RegExp(`Failed tasks:\\s*- ${failed}\\n(?!- )`));
}

const goWorker = (ws: Workspace, name: string, main: string, config: string) => {
  ws.write(`workers/${name}/go.mod`, `module example.com/tqserver/workers/${name}\n\ngo 1.22\n`);
  ws.write(`workers/${name}/src/main.go`, main);
  ws.write(`workers/${name}/config.yaml`, config);
};

describe.each(NX_VERSIONS)('batched builds on nx %s', (nxVersion) => {
  let ws: Workspace;
  const marker = `${Math.floor(Math.random() * 1e6)}.25`;
  beforeAll(() => {
    ws = Workspace.create({ nxVersion });
    // Times out after 2 s while the others build beside it in the same batch.
    goWorker(ws, 'slow', 'package main\n\nfunc main() {}\n', `build:\n  timeout: 2s\n  command: "sleep ${marker} & sleep ${marker}; go build -o {{.Output}} ./src"\n`);
    // Fails to compile.
    goWorker(ws, 'broken', 'package main\n\nfunc main() { nope() }\n', 'build:\n  timeout: 60s\n');
    // Without its build job, auth's build is ready with the others, so all four share one batch.
    ws.write('workers/auth/config.yaml', 'build:\n  timeout: 90s\n  flags: ["-trimpath"]\n');
    ws.commit('slow and broken workers');
  });
  afterAll(() => ws.destroy());

  it('runs all build tasks in one batch; a timeout or a failure fails only its own task', () => {
    const r = ws.nx(['run-many', '-t', 'build']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/Running 4 tasks with @tqserver\/nx-go:build/);
    expect([...r.tasks.keys()].sort()).toEqual(['api:build', 'auth:build', 'broken:build', 'slow:build']);

    expect(taskSection(r.output, 'slow:build')).toContain('slow: build timed out after 2s');
    expect(spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout).not.toContain(`sleep ${marker}`);
    expect(ws.exists('workers/slow/bin/slow')).toBe(false);

    expect(taskSection(r.output, 'broken:build')).toContain('undefined: nope');
    expect(ws.exists('workers/broken/bin/broken')).toBe(false);

    // Each task's log holds its own output only.
    for (const ok of ['api:build', 'auth:build']) {
      expect(taskSection(r.output, ok)).not.toMatch(/nope|timed out/);
    }
    expect(ws.exists('workers/api/bin/api')).toBe(true);
    expect(ws.exists('workers/auth/bin/auth')).toBe(true);
  });

  it('gives each task of the batch its own cache entry: the successes hit, the failures run again', () => {
    const r = ws.nx(['run-many', '-t', 'build']);
    expect(r.code).not.toBe(0);
    expect(r.tasks.get('api:build')).not.toBe('miss');
    expect(r.tasks.get('auth:build')).not.toBe('miss');
    expect(r.tasks.get('broken:build')).toBe('miss');
    expect(r.tasks.get('slow:build')).toBe('miss');

    ws.write('workers/broken/src/main.go', 'package main\n\nfunc main() {}\n');
    const fixed = ws.nx(['run-many', '-t', 'build', '--exclude=slow']);
    expect(fixed.code).toBe(0);
    expect(fixed.tasks.get('broken:build')).toBe('miss');
    expect(fixed.tasks.get('api:build')).not.toBe('miss');

    // The fixed worker's result is now an entry of its own; a cache hit restores its binary.
    ws.remove('workers/broken/bin');
    const again = ws.nxOk(['run-many', '-t', 'build', '--exclude=slow']);
    expect(again.tasks.get('broken:build')).toBe('local cache');
    expect(ws.exists('workers/broken/bin/broken')).toBe(true);
  });

  it('runs a task of the batch that depends on another only after it succeeded, and not at all when it failed', () => {
    // after's command fails unless broken's binary is already built: it shows the order, not only the outcome.
    goWorker(ws, 'after', 'package main\n\nfunc main() {}\n', 'build:\n  command: "test -x ../broken/bin/broken && go build -o {{.Output}} ./src"\n');
    ws.write('workers/after/project.json', JSON.stringify({ name: 'after', implicitDependencies: ['broken'] }));
    buildAfterDependencies(ws);
    ws.write('workers/broken/src/main.go', 'package main\n\nfunc main() { nope() }\n');
    ws.remove('workers/broken/bin');

    // Reported with status 'skipped': Nx lists it as it lists the tasks it did not run itself, not as failed.
    expectNotRunAfter(ws.nx(['run-many', '-t', 'build', '-p', 'broken', 'after']), 'broken:build', 'after:build');
    expect(ws.exists('workers/after/bin/after')).toBe(false);

    ws.write('workers/broken/src/main.go', 'package main\n\nfunc main() {}\n');
    const fixed = ws.nx(['run-many', '-t', 'build', '-p', 'broken', 'after']);
    expect(fixed.code).toBe(0);
    expect(ws.exists('workers/after/bin/after')).toBe(true);
  });
});

describe('batched builds in the TQServer layout (one root module, config/worker.yaml)', () => {
  let ws: Workspace;
  const marker = `${Math.floor(Math.random() * 1e6)}.75`;
  beforeAll(() => {
    ws = Workspace.tqserver();
    // hello times out after 2 s and status fails to compile, beside the server in the same batch.
    ws.write('workers/hello/config/worker.yaml', `${ws.read('workers/hello/config/worker.yaml')}build:\n  timeout: 2s\n  command: "sleep ${marker} & sleep ${marker}; go build -o {{.Output}} ./src"\n`);
    ws.write('workers/status/src/broken.go', 'package main\n\nfunc broken() { nope() }\n');
    ws.commit('slow and broken workers');
  });
  afterAll(() => ws.destroy());

  it('runs the module\'s builds in one batch; the timeout and the failure fail only their own tasks, and the rest hit next time', () => {
    const r = ws.nx(['run-many', '-t', 'build']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/Running 3 tasks with @tqserver\/nx-go:build/);
    expect(taskSection(r.output, 'hello:build')).toContain('hello: build timed out after 2s');
    expect(spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout).not.toContain(`sleep ${marker}`);
    expect(ws.exists('workers/hello/bin/hello')).toBe(false);
    expect(taskSection(r.output, 'status:build')).toContain('undefined: nope');
    expect(taskSection(r.output, 'server:build')).not.toMatch(/nope|timed out/);
    expect(ws.exists('server/bin/tqserver')).toBe(true);

    const again = ws.nx(['run-many', '-t', 'build']);
    expect(fromCache(again.tasks.get('server:build'))).toBe(true);
    expect(again.tasks.get('hello:build')).toBe('miss');
    expect(again.tasks.get('status:build')).toBe('miss');
  });

  it('runs a worker that depends on another worker of the module only after it succeeded, and not at all when it failed', () => {
    // hello without the slow build command beforeAll gave it.
    const helloYaml = ws.read('workers/hello/config/worker.yaml');
    ws.write('workers/hello/config/worker.yaml', helloYaml.slice(0, helloYaml.indexOf('build:\n  timeout: 2s')));
    ws.remove('workers/hello/bin');
    ws.write('workers/hello/project.json', JSON.stringify({ name: 'hello', implicitDependencies: ['status'] }));
    buildAfterDependencies(ws);

    expectNotRunAfter(ws.nx(['run-many', '-t', 'build', '-p', 'status', 'hello']), 'status:build', 'hello:build');
    expect(ws.exists('workers/hello/bin/hello')).toBe(false);

    ws.remove('workers/status/src/broken.go');
    const fixed = ws.nx(['run-many', '-t', 'build', '-p', 'status', 'hello']);
    expect(fixed.code).toBe(0);
    expect(ws.exists('workers/status/bin/status')).toBe(true);
    expect(ws.exists('workers/hello/bin/hello')).toBe(true);
  });
});
