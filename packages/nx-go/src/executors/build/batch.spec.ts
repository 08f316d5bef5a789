// Specifies how the batch worker learns Nx's parallelism, which Nx does not pass to it, and how it schedules its tasks.
import { batchParallelism, parallelFromArgs } from './batch';

describe('parallelFromArgs (Nx readParallelFromArgsAndEnv)', () => {
  it.each([
    [['nx', 'run-many', '-t', 'build'], {}, undefined],
    [['nx', 'run-many', '-t', 'build', '--parallel=5'], {}, 5],
    [['nx', 'run-many', '--parallel', '6', '-t', 'build'], {}, 6],
    [['nx', 'run-many', '--parallel=false'], {}, 1],
    [['nx', 'run-many', '--parallel'], {}, 3],
    [['nx', 'run-many', '--parallel', '--maxParallel=7'], {}, 7],
    [['nx', 'run-many', '--parallel', '--max-parallel', '8'], {}, 8],
    [['nx', 'run-many'], { NX_PARALLEL: '9' }, 9],
    [['nx', 'run-many', '--parallel=2'], { NX_PARALLEL: '9' }, 2],
  ])('%j with %j -> %p', (argv, env, expected) => {
    expect(parallelFromArgs(argv, env)).toBe(expected);
  });
});

describe('batchParallelism', () => {
  it('falls back to nx.json parallel, then to Nx default of 3 capped at the CPU count', () => {
    expect(batchParallelism({ nxJsonConfiguration: { parallel: 4 } }, ['nx', 'run-many'], {}, 2)).toBe(4);
    expect(batchParallelism({ nxJsonConfiguration: {} }, ['nx', 'run-many'], {}, 8)).toBe(3);
    expect(batchParallelism({ nxJsonConfiguration: {} }, ['nx', 'run-many'], {}, 2)).toBe(2);
    expect(batchParallelism({ nxJsonConfiguration: {} }, ['nx', 'run-many'], {}, 1)).toBe(1);
    expect(batchParallelism({ nxJsonConfiguration: { parallel: 4 } }, ['nx', 'run-many', '--parallel=1'], {}, 8)).toBe(1);
  });

  it('takes a number the user set as given, even above the CPU count', () => {
    expect(batchParallelism({ nxJsonConfiguration: {} }, ['nx', 'run-many', '--parallel=5'], {}, 2)).toBe(5);
    expect(batchParallelism({ nxJsonConfiguration: {} }, ['nx', 'run-many'], { NX_PARALLEL: '4' }, 2)).toBe(4);
  });
});

describe('buildBatch scheduling', () => {
  // The tasks' own work is stubbed: what is specified here is the order of setup, builds and results.
  const events: string[] = [];
  const release = new Map<string, (ok: boolean) => void>();
  let active = 0;
  let maxActive = 0;

  beforeEach(() => {
    events.length = 0;
    release.clear();
    active = maxActive = 0;
  });

  async function load() {
    jest.resetModules();
    jest.doMock('./executor', () => {
      const actual = jest.requireActual('./executor');
      return {
        ...actual,
        runBuildTask: async (_o: unknown, ctx: { projectName: string }, session: { slot: <T>(fn: () => Promise<T>) => Promise<T> }) => {
          events.push(`setup ${ctx.projectName}`);
          return session.slot(async () => {
            active++;
            maxActive = Math.max(maxActive, active);
            events.push(`build ${ctx.projectName}`);
            const ok = await new Promise<boolean>((resolve) => release.set(ctx.projectName, resolve));
            active--;
            return { success: ok };
          });
        },
      };
    });
    return (await import('./batch')).default;
  }

  /** `edges`: Nx 24's shape of taskGraph.dependencies (`{ id }` per dependency); otherwise Nx 22 and 23's (ids). */
  const graph = (names: string[], deps: Record<string, string[]> = {}, edges = false) => ({
    roots: names.filter((n) => !deps[n]).map((n) => `${n}:build`),
    tasks: Object.fromEntries(names.map((n) => [`${n}:build`, { id: `${n}:build`, target: { project: n, target: 'build' }, overrides: {}, outputs: [] }])),
    dependencies: Object.fromEntries(names.map((n) => [`${n}:build`, (deps[n] ?? []).map((d) => (edges ? { id: `${d}:build` } : `${d}:build`))])),
    continuousDependencies: {},
  });
  const context = (names: string[]) => ({
    root: '/ws',
    cwd: '/ws',
    isVerbose: false,
    nxJsonConfiguration: { parallel: 2 },
    projectsConfigurations: { version: 2, projects: Object.fromEntries(names.map((n) => [n, { root: `workers/${n}`, targets: { build: {} } }])) },
  });
  const tick = () => new Promise((r) => setImmediate(r));

  async function drive(names: string[], deps: Record<string, string[]> = {}, fail: string[] = [], edges = false) {
    const buildBatch = await load();
    const results: Record<string, boolean> = {};
    const statuses: Record<string, string | undefined> = {};
    const it = buildBatch(graph(names, deps, edges) as never, {}, {}, context(names) as never);
    const consumed = (async () => {
      for await (const r of it) {
        results[r.task] = r.result.success;
        statuses[r.task] = r.result.status;
      }
    })();
    // Lets every build that can start start, then ends the builds one at a time, in the order they started.
    const checkpoints: string[][] = [];
    for (let guard = 0; guard < 100 && Object.keys(results).length < names.length; guard++) {
      await tick();
      checkpoints.push([...events]);
      const next = events.find((e) => e.startsWith('build ') && release.has(e.slice(6)));
      if (next === undefined) continue;
      const name = next.slice(6);
      const done = release.get(name)!;
      release.delete(name);
      events.push(`end ${name}`);
      done(!fail.includes(name));
    }
    await consumed;
    return { results, statuses, checkpoints };
  }

  it('sets up the next tasks while the builds run, yet runs no more go builds than the parallelism', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { results } = await drive(names);
    expect(maxActive).toBe(2);
    expect(Object.values(results)).toEqual(names.map(() => true));
    // Before the first build ended, two builds ran and two more tasks had their setup done, not more.
    const beforeFirstEnd = events.slice(0, events.indexOf('end a'));
    expect([...beforeFirstEnd].sort()).toEqual(['build a', 'build b', 'setup a', 'setup b', 'setup c', 'setup d']);
    // A freed slot goes to the task that was set up first.
    expect(events[events.indexOf('end a') + 1]).toBe('build c');
  });

  it("reports a task's start as the start of its build, not of its wait for a slot", async () => {
    const buildBatch = await load();
    const names = ['a', 'b', 'c'];
    const starts: Record<string, number> = {};
    const it = buildBatch(graph(names) as never, {}, {}, context(names) as never);
    const results: Record<string, { startTime: number; endTime: number }> = {};
    const consumed = (async () => {
      for await (const r of it) results[r.task] = r.result;
    })();
    await tick();
    expect(events.filter((e) => e.startsWith('build '))).toEqual(['build a', 'build b']);
    await new Promise((r) => setTimeout(r, 50));
    release.get('a')!(true);
    await tick();
    starts.c = Date.now();
    release.get('b')!(true);
    await tick();
    release.get('c')!(true);
    await consumed;
    // c was set up with a and b, but its build began only when a's slot freed, 50 ms later.
    expect(results['c:build'].startTime).toBeGreaterThanOrEqual(results['a:build'].startTime + 50);
    expect(results['c:build'].startTime).toBeLessThanOrEqual(starts.c);
  });

  it.each([
    ['ids (Nx 22, 23)', false],
    ['edges (Nx 24)', true],
  ])('with dependencies as %s: sets up no task before the tasks it depends on have ended, and runs none whose dependency failed', async (_shape, edges) => {
    const { results, statuses } = await drive(['lib', 'app', 'other'], { app: ['lib'] }, ['lib'], edges);
    expect(events.indexOf('setup app')).toBe(-1);
    expect(results).toEqual({ 'lib:build': false, 'other:build': true, 'app:build': false });
    // Nx shows a task that never ran as not run, not as failed.
    expect(statuses).toEqual({ 'lib:build': undefined, 'other:build': undefined, 'app:build': 'skipped' });
  });

  it.each([
    ['ids (Nx 22, 23)', false],
    ['edges (Nx 24)', true],
  ])('with dependencies as %s: starts a dependent task only after its dependency succeeded', async (_shape, edges) => {
    const { results } = await drive(['lib', 'app'], { app: ['lib'] }, [], edges);
    expect(events.indexOf('setup app')).toBeGreaterThan(events.indexOf('end lib'));
    expect(results).toEqual({ 'lib:build': true, 'app:build': true });
  });
});
