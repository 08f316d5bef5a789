// Specifies overrides.ts: the inputs, outputs, named inputs and build-job order an override may not take from a Go target (both task-graph edge shapes).
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildJob } from '../plan/build';
import { depInputs, jobDepInputs } from '../plan/jobs';
import { buildInputs, goEnvInput, jobInput, namedInputsDigest } from '../plan/inputs';
import { BUILD_INPUTS, buildInputsKept, DOCKER_INPUTS, jobDepInputsOf, withDepInputs, jobInputs, jobOrderError, overrideProblems, redefinedNamedInputsError, replacedInputsError, replacedOutputsError, TEST_INPUTS, VENDOR_INPUTS } from './overrides';

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

  it('passes for another worker\'s job named by its inferred name after project.json renamed that project', () => {
    const g = graph(shape, { 'auth:build': ['shared-renamed:job-proto'] });
    const projects = {
      auth: { root: 'workers/auth', metadata: { goWorker: 'auth' } },
      'shared-renamed': { root: 'workers/shared', metadata: { goWorker: 'shared' } },
      shared: { root: 'apps/shared' },
    };
    const ctx = { ...context(g, [{ projects: ['shared-renamed'], target: 'job-proto' }], ['shared:job-proto']), projectsConfigurations: { version: 2, projects } } as ExecutorContext;
    expect(jobOrderError(ctx, 'auth: build')).toBeUndefined();
    // Not run: the message names the project as Nx does.
    const without = { ...ctx, taskGraph: graph(shape, { 'auth:build': [] }) } as ExecutorContext;
    expect(jobOrderError(without, 'auth: build')).toContain('needs shared-renamed:job-proto to run before it');
  });

  it('fails when targetDefaults replaced the dependsOn, naming what is missing and how to keep the plugin\'s entries', () => {
    const g = graph(shape, { 'auth:build': ['lib:build'] });
    const error = jobOrderError(context(g, ['^build']), 'auth: build');
    expect(error).toContain('auth: build: needs auth:job-routes to run before it (its deps), but this run does not run it first.');
    expect(error).toContain('Its dependsOn is ["^build"]: a targetDefaults entry in nx.json, or the project\'s project.json, replaced the plugin\'s dependsOn');
    expect(error).toContain('Keep the plugin\'s entries by starting that list with "..." (Nx 23 and later), or add "job-routes" to it.');
    expect(error).toContain('cache the result under the job\'s current ID');
  });

  it('names another project\'s job as a dependsOn entry by project', () => {
    const g = graph(shape, { 'auth:build': [] });
    expect(jobOrderError(context(g, [], ['shared:job-proto']), 'auth: build')).toContain('or add {"projects":["shared"],"target":"job-proto"} to it.');
  });

  it('fails with the other reason when the dependsOn still lists the job (--exclude-task-dependencies)', () => {
    const g = graph(shape, { 'auth:build': [] });
    const error = jobOrderError(context(g, ['job-routes']), 'auth: build');
    expect(error).toContain('Its dependsOn lists it, so this run left it out (--exclude-task-dependencies). Run without that flag, or run it in the same command, which keeps the order: nx run-many -t job-routes,build -p auth --exclude-task-dependencies.');
  });

  it.each([
    ['another project\'s target of that name', [{ projects: ['api'], target: 'job-routes' }]],
    ['the dependencies\' targets of that name', [{ dependencies: true, target: 'job-routes' }]],
    ['another project\'s, as a string', ['api:job-routes']],
    ['the dependencies\', as ^', ['^job-routes']],
  ])('blames the dependsOn, not the flag, when it names %s', (_label, dependsOn) => {
    const error = jobOrderError(context(graph(shape, { 'auth:build': [] }), dependsOn), 'auth: build');
    expect(error).toContain(`Its dependsOn is ${JSON.stringify(dependsOn)}: a targetDefaults entry`);
  });

  it.each([
    ['by name', ['job-routes']],
    ['as project:target', ['auth:job-routes']],
    ['as an object for this project', [{ target: 'job-routes' }]],
    ['as an object naming self', [{ projects: 'self', target: 'job-routes' }]],
  ])('knows a dependsOn that lists the job %s, and so blames the flag', (_label, dependsOn) => {
    expect(jobOrderError(context(graph(shape, { 'auth:build': [] }), dependsOn), 'auth: build')).toContain('(--exclude-task-dependencies)');
  });

  it('says that Nx 22 keeps "..." as written, and what to add instead', () => {
    const error = jobOrderError(context(graph(shape, { 'auth:build': [] }), ['...', '^build']), 'auth: build');
    expect(error).toContain('Its dependsOn is ["...","^build"], with "..." kept as written: this Nx (22) does not expand it there. Add "job-routes" to that list instead.');
  });

  it('reads this project\'s jobs from metadata relative to the task\'s project, which a project.json may have renamed', () => {
    const g = graph(shape, { 'auth:build': ['auth:job-routes'] });
    expect(jobOrderError(context(g, ['job-routes'], ['job-routes']), 'auth: build')).toBeUndefined();
    expect(jobOrderError(context(graph(shape, { 'auth:build': [] }), [], ['job-routes']), 'auth: build')).toContain('needs auth:job-routes');
  });

  it('also checks the deps as written in the settings, for a target written by hand with no metadata', () => {
    const g = graph(shape, { 'auth:build-dbg': [] });
    const ctx = { ...context(g, [], null, 'build-dbg') };
    expect(jobOrderError(ctx, 'auth: build-dbg')).toBeUndefined();
    expect(jobOrderError(ctx, 'auth: build-dbg', ['routes', 'shared:proto'])).toContain('needs auth:job-routes, shared:job-proto to run before it');
    const ok = graph(shape, { 'auth:build-dbg': ['auth:job-routes', 'shared:job-proto'] });
    expect(jobOrderError({ ...context(ok, [], null, 'build-dbg') }, 'auth: build-dbg', ['routes', 'shared:proto'])).toBeUndefined();
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

describe('replacedInputsError', () => {
  const ctx = (inputs: unknown[] | undefined, cache: boolean | 'unset' = true) =>
    ({ target: { executor: 'x', ...(cache === 'unset' ? {} : { cache }), ...(inputs ? { inputs } : {}) } }) as Pick<ExecutorContext, 'target'>;
  const JOB = { runtime: 'echo nx-go-job cd19c371d6c058f3ba6360b58bb19b7b' };
  /** A development build's inputs as inference writes them. */
  const BUILD = ['go-sources', '^go-sources', 'go-context', 'go-env-without-CGO_ENABLED-with-GOROOT-GOMODCACHE', { runtime: 'pwd -P' }, JOB];

  it('fails a cached build whose inputs a JavaScript workspace\'s targetDefaults replaced, saying what they held and how to keep them', () => {
    const error = replacedInputsError(ctx(['production', '^production']), 'api: build', BUILD_INPUTS);
    expect(error).toContain('api: build: its inputs are ["production","^production"], without the plugin\'s, which hold the planned go build (flags, env, server.yaml\'s settings)');
    expect(error).toContain('(missing: the job digest, ^go-sources, go-sources, go-context, go-env… (or go-cross)): a targetDefaults entry');
    expect(error).toContain(': a targetDefaults entry in nx.json, or the project\'s project.json, replaced them. Nx would cache');
    expect(error).toContain('starting that list with "..." (Nx 23 and later; Nx 22 refuses "..." there)');
    expect(error).toContain('key the entry by the executor it is meant for (such as "@nx/js:tsc")');
  });

  it('passes a build whose inputs still hold the job digest, the plugin\'s own or spread with "..." and the user\'s', () => {
    expect(replacedInputsError(ctx(BUILD), 'api: build', BUILD_INPUTS)).toBeUndefined();
    expect(replacedInputsError(ctx([...BUILD, 'production', '^production']), 'api: build', BUILD_INPUTS)).toBeUndefined();
    // cross-compile's standard form, and go env inline when it is not one of the standard named inputs.
    expect(replacedInputsError(ctx(['go-cross', '^go-sources', JOB]), 'api: cross-compile', BUILD_INPUTS)).toBeUndefined();
    // As goEnvInput writes it when config.yaml's env pins a variable no standard named input leaves out.
    const inlineEnv = goEnvInput({ GOFLAGS: '-mod=mod' });
    expect(typeof inlineEnv).toBe('object');
    expect(replacedInputsError(ctx(['go-sources', '^go-sources', 'go-context', inlineEnv, JOB]), 'api: build', BUILD_INPUTS)).toBeUndefined();
  });

  it.each([
    ['go-context', 'go-context'],
    ['^go-sources', '^go-sources'],
    ['go-sources', 'go-sources'],
    ['go env', 'go-env-without-CGO_ENABLED-with-GOROOT-GOMODCACHE'],
  ])('fails a build whose inputs, copied from nx show project, keep the job digest but drop %s', (_label, dropped) => {
    expect(replacedInputsError(ctx(BUILD.filter((i) => i !== dropped)), 'api: build', BUILD_INPUTS)).toContain('without the plugin\'s');
  });

  describe('buildInputsKept: what the jobs put in the binary besides', () => {
    const job = (stamp: boolean, cgo: boolean): BuildJob => ({
      cwd: 'workers/api',
      exec: ['go', 'build', '-o', '{{.Output}}', './src'],
      env: cgo ? {} : { CGO_ENABLED: '0' },
      output: 'workers/api/dist/api',
      stamp,
      validate: false,
    });
    const inferred = (j: BuildJob) => [...buildInputs(j), jobInput(j)];

    it.each([
      [true, false],
      [false, true],
      [true, true],
      [false, false],
    ])('passes the inputs inference writes (stamp %s, cgo %s)', (stamp, cgo) => {
      const j = job(stamp, cgo);
      expect(replacedInputsError(ctx(inferred(j)), 'api: build-prod', buildInputsKept([j]))).toBeUndefined();
    });

    it('fails a stamping build whose inputs dropped go-stamp: a new commit would be served the old version stamp', () => {
      const j = job(true, false);
      const error = replacedInputsError(ctx(inferred(j).filter((i) => i !== 'go-stamp')), 'api: build-prod', buildInputsKept([j]));
      expect(error).toContain("without the plugin's, which hold");
      expect(error).toContain('also the git stamp written into the binary (missing: go-stamp): a targetDefaults entry');
      // go-cross holds the stamp.
      expect(replacedInputsError(ctx(['go-cross', '^go-sources', jobInput(j)]), 'api: cross-compile', buildInputsKept([j]))).toBeUndefined();
    });

    it('fails a cgo build whose inputs dropped go-cgo-toolchain', () => {
      const j = job(false, true);
      const error = replacedInputsError(ctx(inferred(j).filter((i) => i !== 'go-cgo-toolchain')), 'api: build', buildInputsKept([j]));
      expect(error).toContain('the C toolchain cgo compiles with (missing: go-cgo-toolchain)');
      // Both gone: both named.
      const both = job(true, true);
      const trimmed = inferred(both).filter((i) => i !== 'go-cgo-toolchain' && i !== 'go-stamp');
      expect(replacedInputsError(ctx(trimmed), 'api: build-prod', buildInputsKept([both]))).toContain('(missing: go-stamp, go-cgo-toolchain)');
      expect(inferred(j)).toContain('go-cgo-toolchain');
    });

    it('asks docker-build for the stamp whatever build-prod does: the tag and build arguments come from it', () => {
      const j = job(false, false);
      const error = replacedInputsError(ctx(inferred(j)), 'api: docker-build', DOCKER_INPUTS);
      expect(error).toContain('(missing: go-stamp)');
      expect(replacedInputsError(ctx([...inferred(j), 'go-stamp']), 'api: docker-build', DOCKER_INPUTS)).toBeUndefined();
    });

    it('asks nothing more of a build that neither stamps nor uses cgo, nor of a task with no jobs', () => {
      expect(buildInputsKept([job(false, false)])).toBe(BUILD_INPUTS);
      expect(buildInputsKept([])).toBe(BUILD_INPUTS);
    });
  });

  describe('withDepInputs: the IDs of the build jobs a task waits for', () => {
    const worker = { name: 'api', settings: { jobs: { gen: { deps: ['auth:routes'] } } } };
    const JOB_CHECK = withDepInputs(jobInputs('copy'), jobDepInputs(['auth:routes'], worker));

    it('passes the inputs inference writes for a job and a build, whatever project a rename put in them', () => {
      expect(replacedInputsError(ctx(['go-job-copy', ...jobDepInputs(['auth:routes'], worker)]), 'api: job-copy', JOB_CHECK)).toBeUndefined();
      const renamed = [{ input: 'go-job-routes', projects: ['auth-svc'] }, { dependentTasksOutputFiles: '**/*', transitive: true }];
      expect(replacedInputsError(ctx(['go-job-copy', ...renamed]), 'api: job-copy', JOB_CHECK)).toBeUndefined();
      const build = withDepInputs(BUILD_INPUTS, depInputs(['gen'], worker));
      expect(replacedInputsError(ctx([...BUILD, ...depInputs(['gen'], worker)]), 'api: build', build)).toBeUndefined();
    });

    it("fails a job whose inputs, copied from nx show project, dropped another worker's job ID: a change there would be served stale", () => {
      const error = replacedInputsError(ctx(['go-job-copy', { externalDependencies: ['@tqserver/nx-go'] }]), 'api: job-copy', JOB_CHECK);
      expect(error).toContain('also the IDs of the build jobs it waits for (missing: go-job-routes of auth, the output files of the tasks it depends on)');
      // A narrower glob, or one that is not transitive, hashes less than inference does (found by review).
      for (const narrowed of [{ dependentTasksOutputFiles: 'nothing.none', transitive: true }, { dependentTasksOutputFiles: '**/*' }]) {
        const inputs = ['go-job-copy', { input: 'go-job-routes', projects: ['auth'] }, narrowed];
        expect(replacedInputsError(ctx(inputs), 'api: job-copy', JOB_CHECK)).toContain('(missing: the output files of the tasks it depends on)');
      }
    });

    it("fails a build that dropped its own job's ID, or the one its job reaches in another worker", () => {
      const build = withDepInputs(BUILD_INPUTS, depInputs(['gen'], worker));
      expect(depInputs(['gen'], worker)).toEqual(['go-job-gen', { input: 'go-job-routes', projects: ['auth'] }, { dependentTasksOutputFiles: '**/*', transitive: true }]);
      expect(replacedInputsError(ctx(BUILD), 'api: build', build)).toContain('(missing: go-job-gen, go-job-routes of auth, the output files of the tasks it depends on)');
      expect(withDepInputs(BUILD_INPUTS, [])).toBe(BUILD_INPUTS);
    });
  });

  describe('jobDepInputsOf: test and vet, from the project configuration', () => {
    const settings = { jobs: { gen: { deps: ['version', 'auth:routes'] }, version: { deps: [] } } };
    const context = (jobDeps: unknown) =>
      ({
        projectName: 'api',
        target: { executor: '@tqserver/nx-go:test', cache: true, metadata: { jobDeps } },
        projectsConfigurations: {
          version: 2,
          projects: {
            api: {
              root: 'workers/api',
              targets: {
                'job-gen': { metadata: { job: { deps: ['version', 'auth:routes'] } } },
                'job-version': { metadata: { job: { deps: [] } } },
                test: {},
              },
            },
          },
        },
      }) as unknown as ExecutorContext;

    it('rebuilds what withBuildDeps gave the target: the own jobs, and another worker\'s job reached through them', () => {
      expect(jobDepInputsOf(context(['job-gen']))).toEqual(depInputs(['gen'], { name: 'api', settings }));
      expect(jobDepInputsOf(context(['job-gen']))).toEqual(['go-job-gen', { input: 'go-job-routes', projects: ['auth'] }, { dependentTasksOutputFiles: '**/*', transitive: true }]);
      expect(jobDepInputsOf(context(['auth:job-routes', 'job-version']))).toEqual(depInputs(['auth:routes', 'version'], { name: 'api', settings }));
      expect(jobDepInputsOf(context(undefined))).toEqual([]);
    });

    it('fails a test whose inputs dropped them', () => {
      const kept = withDepInputs(TEST_INPUTS, jobDepInputsOf(context(['job-gen'])));
      const TEST = ['go-test-sources', '^go-sources', 'go-test-context', 'go-env'];
      expect(replacedInputsError(ctx([...TEST, ...jobDepInputsOf(context(['job-gen']))]), 'api: test', kept)).toBeUndefined();
      expect(replacedInputsError(ctx([...TEST, 'go-job-gen']), 'api: test', kept)).toContain('(missing: go-job-routes of auth, the output files of the tasks it depends on)');
    });
  });

  it('passes a task that is not cached, whatever its inputs', () => {
    expect(replacedInputsError(ctx(['production'], false), 'api: build', BUILD_INPUTS)).toBeUndefined();
    expect(replacedInputsError(ctx(undefined, 'unset'), 'api: build', BUILD_INPUTS)).toBeUndefined();
  });

  it('fails a cached task with no inputs of its own (a target written by hand), suggesting cache: false', () => {
    const error = replacedInputsError(ctx(undefined), 'api: build-fast', BUILD_INPUTS);
    expect(error).toContain('api: build-fast: this cached target has no inputs of its own (Nx then hashes the project\'s files and nothing else)');
    expect(error).toContain('If you wrote it by hand, set "cache": false on it');
    expect(replacedInputsError(ctx([]), 'api: build', BUILD_INPUTS)).toContain('its inputs are []');
  });

  it('knows test and vet by go-test-context, vendor by the plugin\'s identity, and a job by its named input', () => {
    expect(replacedInputsError(ctx(['go-test-sources', '^go-sources', 'go-test-context', 'go-env']), 'api: test', TEST_INPUTS)).toBeUndefined();
    expect(replacedInputsError(ctx(['go-test-sources', 'go-test-context', 'go-env']), 'api: test', TEST_INPUTS)).toContain('without the plugin\'s');
    expect(replacedInputsError(ctx(['default', '^production']), 'api: test', TEST_INPUTS)).toContain('which hold the test sources of the module and the sources of its dependencies, the Go toolchain and environment');
    expect(replacedInputsError(ctx(['default', '^production']), 'api: test', TEST_INPUTS)).toContain('(missing: go-test-sources, ^go-sources, go-test-context, go-env)');
    expect(replacedInputsError(ctx(['go-job-routes']), 'auth: job-routes', jobInputs('routes'))).toBeUndefined();
    expect(replacedInputsError(ctx(['go-job-gen']), 'auth: job-routes', jobInputs('routes'))).toContain("which hold the job's input files, its commands and its deps' IDs (missing: go-job-routes): a targetDefaults entry");
    expect(replacedInputsError(ctx(['{projectRoot}/go.mod', { runtime: 'echo @tqserver/nx-go 0.1.0:abc' }]), 'api: vendor', VENDOR_INPUTS)).toBeUndefined();
    expect(replacedInputsError(ctx(['{projectRoot}/go.mod']), 'api: vendor', VENDOR_INPUTS)).toContain("which hold the module's Go files, go.mod and go.sum");
  });
});

describe('replacedOutputsError', () => {
  const ctx = (outputs: string[] | undefined, cache = true) => ({ target: { executor: 'x', cache, ...(outputs ? { outputs } : {}) } }) as Pick<ExecutorContext, 'target'>;
  const written = ['workers/api/bin/api'];

  it('passes outputs that cover the binary: the plugin\'s, {projectRoot}, a parent directory or a glob', () => {
    for (const outputs of [['{workspaceRoot}/workers/api/bin/api'], ['{projectRoot}/bin/api'], ['{projectRoot}/bin'], ['{workspaceRoot}/workers/*/bin/**']]) {
      expect(replacedOutputsError(ctx(outputs), 'api: build', 'workers/api', written)).toBeUndefined();
    }
  });

  it('fails a cached build whose outputs a JavaScript workspace\'s targetDefaults replaced', () => {
    const error = replacedOutputsError(ctx(['{options.outputPath}']), 'api: build', 'workers/api', written);
    expect(error).toContain('api: build: its outputs are ["{options.outputPath}"], which do not hold workers/api/bin/api: a targetDefaults entry in nx.json');
    expect(error).toContain('a later cache hit would leave whatever is on disk in place');
    expect(replacedOutputsError(ctx(['{projectRoot}/dist']), 'api: build', 'workers/api', written)).toContain('which do not hold workers/api/bin/api');
    expect(replacedOutputsError(ctx(undefined), 'api: build', 'workers/api', written)).toContain('its outputs are []');
  });

  it('reads outputs as Nx does: a trailing slash, {projectName}, a glob over a directory above the file, {options.…}', () => {
    const named = (outputs: string[]) => ({ ...ctx(outputs), projectName: 'api' });
    for (const outputs of [['{projectRoot}/bin/'], ['{projectRoot}/bin/{projectName}'], ['{workspaceRoot}/workers/*/bin'], ['{projectRoot}/./bin'], ['{workspaceRoot}']]) {
      expect(replacedOutputsError(named(outputs), 'api: build', 'workers/api', written)).toBeUndefined();
    }
    const cover = ['workers/api/cover.out'];
    expect(replacedOutputsError(named(['{projectRoot}/{options.coverprofile}']), 'api: test', 'workers/api', cover, { coverprofile: 'cover.out' })).toBeUndefined();
    expect(replacedOutputsError(named(['{workspaceRoot}/coverage/{projectRoot}']), 'api: test', 'workers/api', cover, { coverprofile: 'cover.out' })).toContain('which do not hold workers/api/cover.out');
    // An unset option drops the output, as Nx does.
    expect(replacedOutputsError(named(['{options.outputPath}']), 'api: build', 'workers/api', written)).toContain('which do not hold');
  });

  it('counts a negated output as covering nothing, and a file it matches as not kept', () => {
    expect(replacedOutputsError(ctx(['{projectRoot}/bin/*.txt', '!{projectRoot}/bin/api']), 'api: build', 'workers/api', written)).toContain('which do not hold workers/api/bin/api');
    expect(replacedOutputsError(ctx(['{projectRoot}/bin', '!{projectRoot}/bin/api']), 'api: build', 'workers/api', written)).toContain('which do not hold workers/api/bin/api');
    expect(replacedOutputsError(ctx(['{projectRoot}/bin', '!{projectRoot}/**/*.map']), 'api: build', 'workers/api', written)).toBeUndefined();
  });

  it('names every platform binary a cross-compile would not keep, and passes a task that is not cached', () => {
    const platforms = ['workers/api/dist/api-linux-amd64', 'workers/api/dist/api-windows-amd64.exe'];
    expect(replacedOutputsError(ctx(['{projectRoot}/dist/api-linux-amd64']), 'api: cross-compile', 'workers/api', platforms)).toContain('which do not hold workers/api/dist/api-windows-amd64.exe:');
    expect(replacedOutputsError(ctx([], false), 'api: build', 'workers/api', written)).toBeUndefined();
  });
});

describe('overrideProblems', () => {
  it('reports every problem of a typical JavaScript build entry in one message, one per line', () => {
    const g = graph('edges', { 'auth:build': ['lib:build'] });
    const context = {
      taskGraph: g,
      projectName: 'auth',
      targetName: 'build',
      configurationName: undefined,
      target: { executor: '@tqserver/nx-go:build', cache: true, inputs: ['production', '^production'], outputs: [], dependsOn: ['^build'], metadata: { jobDeps: ['job-routes'] } },
    } as unknown as ExecutorContext;
    const lines = overrideProblems(context, 'auth: build', { kept: BUILD_INPUTS, root: 'workers/auth', written: ['workers/auth/bin/auth'] })!.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('auth: build: its inputs are ["production","^production"]');
    expect(lines[1]).toContain('auth: build: its outputs are [], which do not hold workers/auth/bin/auth');
    expect(lines[2]).toContain('auth: build: needs auth:job-routes to run before it');
  });
});

describe('redefinedNamedInputsError', () => {
  const named = { 'go-sources': ['{projectRoot}/**/*'], 'go-context': [{ runtime: 'echo x' }] };
  const ctx = (namedInputs: Record<string, unknown>, cache = true, digest: string | undefined = namedInputsDigest(named)) =>
    ({
      projectName: 'auth',
      target: { executor: 'x', cache },
      projectsConfigurations: { version: 2, projects: { auth: { root: 'workers/auth', namedInputs, metadata: digest ? { goNamedInputs: digest } : {} } } },
    }) as unknown as ExecutorContext;

  it('passes the named inputs inference made, and ones a project.json adds under other names', () => {
    expect(redefinedNamedInputsError(ctx(named), 'auth: build')).toBeUndefined();
    expect(redefinedNamedInputsError(ctx({ ...named, production: ['default'] }), 'auth: build')).toBeUndefined();
  });

  it('fails when a project.json redefines go-sources, naming the fix', () => {
    const error = redefinedNamedInputsError(ctx({ ...named, 'go-sources': ['{projectRoot}/go.mod'] }), 'auth: build');
    expect(error).toContain('auth: build: the go-* named inputs of auth are not the ones the plugin inferred: a namedInputs entry in its project.json redefines one of them');
    expect(error).toContain('give your named input a name that does not start with "go-"');
  });

  it('checks the projects this one depends on too: a library\'s redefined go-sources reaches the build through ^go-sources', () => {
    const lib = { root: 'libs/shared', namedInputs: { ...named, 'go-sources': ['{projectRoot}/go.mod'] }, metadata: { goNamedInputs: namedInputsDigest(named) } };
    const base = ctx(named) as unknown as { projectsConfigurations: { projects: Record<string, unknown> } };
    base.projectsConfigurations.projects.shared = lib;
    const withGraph = (deps: Record<string, { target: string }[]>) => ({ ...base, projectGraph: { nodes: {}, dependencies: deps } }) as unknown as ExecutorContext;
    expect(redefinedNamedInputsError(withGraph({ auth: [] }), 'auth: build')).toBeUndefined();
    expect(redefinedNamedInputsError(withGraph({ auth: [{ target: 'mid' }], mid: [{ target: 'shared' }] }), 'auth: build')).toContain('the go-* named inputs of shared are not');
  });

  it('passes a task that is not cached, and a project without inference\'s digest', () => {
    const changed = { ...named, 'go-sources': [] };
    expect(redefinedNamedInputsError(ctx(changed, false), 'auth: build')).toBeUndefined();
    expect(redefinedNamedInputsError(ctx(changed, true, ''), 'auth: build')).toBeUndefined();
  });
});

describe('the README\'s quoted messages', () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  /** The quoted line that starts with `start`, without its trailing " …". */
  const quoted = (start: string) => {
    const line = readme.split('\n').find((l) => l.startsWith(start));
    expect(line).toBeDefined();
    return line!.replace(/ …$/, '');
  };

  it('quotes the replaced-inputs message as the build executor words it', () => {
    const context = { target: { executor: '@tqserver/nx-go:build', cache: true, inputs: ['production', '^production'] } } as Pick<ExecutorContext, 'target'>;
    expect(replacedInputsError(context, 'api: build', BUILD_INPUTS)).toContain(quoted('api: build: its inputs are'));
  });

  it('quotes the missing-job message as it is worded for a replaced dependsOn', () => {
    const g = graph('edges', { 'auth:build': ['lib:build'] });
    expect(jobOrderError(context(g, ['^build']), 'auth: build')).toContain(quoted('auth: build: needs auth:job-routes'));
  });
});
