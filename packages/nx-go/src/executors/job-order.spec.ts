// Specifies the run-time check that a task's build jobs run before it in Nx's task graph (both edge shapes).
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { jobOrderError } from './job-order';

type Edges = 'ids' | 'edges';
const task = (id: string) => {
  const [project, target, configuration] = id.split(':');
  return { id, target: { project, target, ...(configuration ? { configuration } : {}) }, overrides: {}, outputs: [], parallelism: true };
};

/** A task graph in Nx 22/23's shape (ids) or Nx 24's (edges `{ id }`). */
function graph(shape: Edges, deps: Record<string, string[]>): TaskGraph {
  const ids = new Set([...Object.keys(deps), ...Object.values(deps).flat()]);
  return {
    roots: [],
    tasks: Object.fromEntries([...ids].map((id) => [id, task(id)])),
    dependencies: Object.fromEntries([...ids].map((id) => [id, (deps[id] ?? []).map((d) => (shape === 'ids' ? d : { id: d }))])),
  } as unknown as TaskGraph;
}

function context(taskGraph: TaskGraph | undefined, dependsOn: unknown[], jobDeps: string[] | null = ['auth:job-routes'], target = 'build'): ExecutorContext {
  return {
    taskGraph,
    projectName: 'auth',
    targetName: target,
    configurationName: undefined,
    target: { executor: '@tqserver/nx-go:build', dependsOn, metadata: jobDeps ? { jobDeps } : {} },
  } as unknown as ExecutorContext;
}

describe.each<Edges>(['ids', 'edges'])('jobOrderError, task graph with dependencies as %s', (shape) => {
  it('passes when the job runs before the task', () => {
    expect(jobOrderError(context(graph(shape, { 'auth:build': ['auth:job-routes'] }), ['job-routes']), 'auth: build')).toBeUndefined();
  });

  it('passes when the job is reached through another task', () => {
    const g = graph(shape, { 'auth:build': ['auth:codegen'], 'auth:codegen': ['auth:job-routes'] });
    expect(jobOrderError(context(g, ['codegen']), 'auth: build')).toBeUndefined();
  });

  it('passes for another project\'s job reached as a dependency', () => {
    const g = graph(shape, { 'auth:build': ['shared:job-proto'] });
    expect(jobOrderError(context(g, [{ projects: ['shared'], target: 'job-proto' }], ['shared:job-proto']), 'auth: build')).toBeUndefined();
  });

  it('fails when targetDefaults replaced the dependsOn, naming what is missing and how to keep the plugin\'s entries', () => {
    const g = graph(shape, { 'auth:build': ['lib:build'] });
    const error = jobOrderError(context(g, ['^build']), 'auth: build');
    expect(error).toContain('auth: build: needs auth:job-routes to run before it (its deps), but this run does not run it first.');
    expect(error).toContain('Its dependsOn is ["^build"]: a targetDefaults entry in nx.json, or the project\'s project.json, replaced the plugin\'s dependsOn');
    expect(error).toContain('(Nx 23 and later: ["...", "^build"]), or add "job-routes" to it.');
    expect(error).toContain('cache the result under the job\'s current ID');
  });

  it('names another project\'s job as a dependsOn entry by project', () => {
    const g = graph(shape, { 'auth:build': [] });
    expect(jobOrderError(context(g, [], ['shared:job-proto']), 'auth: build')).toContain('or add {"projects":["shared"],"target":"job-proto"} to it.');
  });

  it('fails with the other reason when the dependsOn still lists the job (--exclude-task-dependencies)', () => {
    const g = graph(shape, { 'auth:build': [] });
    const error = jobOrderError(context(g, ['job-routes']), 'auth: build');
    expect(error).toContain('Its dependsOn lists it, so this run left it out (--exclude-task-dependencies); run without that flag.');
  });

  it('does not count a task that is in the run but not a dependency (it could run beside the build)', () => {
    const g = graph(shape, { 'auth:build': [], 'auth:job-routes': [] });
    expect(jobOrderError(context(g, ['job-routes']), 'auth: build')).toContain('needs auth:job-routes');
  });

  it('lists every missing job, and only those', () => {
    const g = graph(shape, { 'auth:build': ['auth:job-a'] });
    const error = jobOrderError(context(g, [], ['auth:job-a', 'auth:job-b', 'auth:job-c']), 'auth: build');
    expect(error).toContain('needs auth:job-b, auth:job-c to run before it (its deps), but this run does not run them first.');
    expect(error).toContain('or add "job-b", "job-c" to it.');
  });

  it('finds the task by its configuration when the run holds several', () => {
    const g = graph(shape, { 'auth:build:production': [], 'auth:build:development': ['auth:job-routes'] });
    const ctx = (configurationName: string) => ({ ...context(g, ['job-routes']), configurationName });
    expect(jobOrderError(ctx('development'), 'auth: build')).toBeUndefined();
    expect(jobOrderError(ctx('production'), 'auth: build')).toContain('needs auth:job-routes');
  });
});

describe('jobOrderError, nothing to check', () => {
  it('passes a target without jobDeps (no build.deps, or a target the user wrote)', () => {
    expect(jobOrderError(context(graph('ids', { 'auth:build': [] }), [], null), 'auth: build')).toBeUndefined();
  });

  it('passes when there is no task graph, or it does not hold this task (called from code)', () => {
    expect(jobOrderError(context(undefined, []), 'auth: build')).toBeUndefined();
    expect(jobOrderError(context(graph('ids', { 'api:build': [] }), []), 'auth: build')).toBeUndefined();
  });
});
