// Specifies the job -> Nx target mapping: names, inputs (the job's ID), dependsOn, outputs, and build.deps on the builds.
import { parseServerSettings, parseWorkerSettings, type WorkerSettings } from '../config/settings';
import { makeWorker, type Worker } from '../plan/build';
import { jobDigest, planJobs } from '../plan/jobs';
import { jobNamedInputs, jobTargets, withBuildDeps } from './job-targets';
import { workerTargets } from './targets';

const server = parseServerSettings(null, null);
const CONFIG = `build:
  deps: [gen]
  jobs:
    version:
      inputs: [VERSION]
      cmds:
        - cat: { template: "package version\\n", output: "{{.OutputDir}}/version.go" }
    gen:
      inputs: ["tools/gen/**"]
      deps: [version, "shared:proto"]
      outputs: [src/zz_gen.go]
      cmds:
        - exec: [go, run, ./tools/gen, '{{index .Deps "version"}}', src/zz_gen.go]
`;

function worker(text = CONFIG): Worker {
  const settings: WorkerSettings = parseWorkerSettings('workers/api/config.yaml', text, server);
  return makeWorker('api', 'workers/api', settings, server, { hasSrc: true, vendored: false });
}
const ctx = { pluginPackage: '@tqserver/nx-go', pluginIdentity: '0.1.0:abc', digestScript: 'packages/nx-go/src/plan/disk-digest.sh', serverConfig: 'config/server.yaml' };
const runtimeOf = (inputs: unknown[]) => inputs.filter((i) => typeof i === 'object' && i !== null && 'runtime' in i);

describe('job targets', () => {
  it('names each job job-<name>, runs it with the job executor, and declares its output directory and outputs', () => {
    const t = jobTargets(worker(), ctx);
    expect(Object.keys(t).sort()).toEqual(['job-gen', 'job-version']);
    expect(t['job-version']).toMatchObject({
      executor: '@tqserver/nx-go:job',
      cache: true,
      outputs: ['{workspaceRoot}/workers/api/.jobs/version'],
      options: { job: 'version', serverConfig: 'config/server.yaml' },
    });
    expect(t['job-version'].dependsOn).toBeUndefined();
    expect(t['job-gen'].outputs).toEqual(['{workspaceRoot}/workers/api/.jobs/gen', '{workspaceRoot}/workers/api/src/zz_gen.go']);
  });

  it('depends on same-worker jobs by target name and on other projects\' jobs by project', () => {
    expect(jobTargets(worker(), ctx)['job-gen'].dependsOn).toEqual(['job-version', { projects: ['shared'], target: 'job-proto' }]);
  });

  it('hashes a job through its named input, plus the other project\'s job ID and its dependent outputs', () => {
    const gen = jobTargets(worker(), ctx)['job-gen'];
    expect(gen.inputs).toEqual([
      'go-job-gen',
      { input: 'go-job-proto', projects: ['shared'] },
      { dependentTasksOutputFiles: '**/*', transitive: true },
      { externalDependencies: ['@tqserver/nx-go'] },
      { runtime: 'echo @tqserver/nx-go 0.1.0:abc' },
    ]);
    expect(jobTargets(worker(), ctx)['job-version'].inputs).toEqual(['go-job-version', { externalDependencies: ['@tqserver/nx-go'] }, { runtime: 'echo @tqserver/nx-go 0.1.0:abc' }]);
  });

  it('holds in each named input the job\'s files, its command digest, Go\'s version when it runs go, and its deps\' named inputs', () => {
    const w = worker();
    const named = jobNamedInputs(w);
    const [version, gen] = ['version', 'gen'].map((n) => planJobs(w).find((p) => p.name === n)!);
    const negatives = ['!{projectRoot}/.jobs/**', '!{projectRoot}/src/zz_gen.go', '!{projectRoot}/src/zz_gen.go/**'];
    expect(named['go-job-version']).toEqual(['{projectRoot}/VERSION', ...negatives, { runtime: jobDigest(version) }]);
    expect(named['go-job-gen']).toEqual([
      '{projectRoot}/tools/gen/**',
      ...negatives,
      { runtime: jobDigest(gen) },
      { runtime: 'go env GOVERSION || echo go-not-found' },
      'go-job-version',
    ]);
  });

  it.each([
    ['a command', (c: string) => c.replace('package version', 'package v2')],
    ['an input glob', (c: string) => c.replace('[VERSION]', '[VERSION, NOTES]')],
    ['an env value', (c: string) => c.replace(/(- exec: .*\n)/, '$1          env: { A: b }\n')],
  ])('changes the digest of the job whose %s changed, and only that job\'s', (_label, edit) => {
    const before = jobNamedInputs(worker());
    const after = jobNamedInputs(worker(edit(CONFIG)));
    const changed = Object.keys(before).filter((k) => JSON.stringify(runtimeOf(before[k])) !== JSON.stringify(runtimeOf(after[k])) || JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    expect(changed).toHaveLength(1);
  });

  it('does not put commands in options, which Nx hashes into every task of the project', () => {
    const t = jobTargets(worker(), ctx)['job-gen'];
    expect(JSON.stringify(t.options)).not.toContain('tools/gen');
    expect(t.metadata?.job.cmds).toEqual(['go run ./tools/gen {{index .Deps "version"}} src/zz_gen.go']);
  });
});

describe('build.deps on the builds', () => {
  it('makes every build target, test and vet wait for the jobs and hash their IDs', () => {
    const w = worker();
    const targets = workerTargets(w, { ...ctx, disk: { root: 'workers/api', moduleRoots: [], outsideModules: [], flagFiles: [] }, vendored: false });
    for (const name of ['build', 'build-prod', 'cross-compile', 'test', 'vet']) {
      expect(targets[name].dependsOn).toEqual(expect.arrayContaining(['job-gen']));
      expect(targets[name].inputs).toEqual(expect.arrayContaining(['go-job-gen', { input: 'go-job-proto', projects: ['shared'] }]));
    }
    expect(targets.tidy.dependsOn).toBeUndefined();
    expect(targets['job-gen']).toBeDefined();
  });

  it('makes docker-build wait for the jobs too: the image compiles what they generate', () => {
    const targets = workerTargets(worker(), { ...ctx, disk: { root: 'workers/api', moduleRoots: [], outsideModules: [], flagFiles: [] }, vendored: false, dockerfile: true });
    expect(targets['docker-build'].dependsOn).toEqual(['job-gen']);
    expect(targets['docker-build'].inputs).toEqual(expect.arrayContaining(['go-job-gen', { input: 'go-job-proto', projects: ['shared'] }]));
    expect(targets['docker-build'].metadata).toMatchObject({ technologies: ['go', 'docker'], jobDeps: ['job-gen'] });
  });

  it('lists the job tasks each waiting target needs in metadata.jobDeps, which the executors check the task graph against', () => {
    const w = worker();
    const targets = workerTargets(w, { ...ctx, disk: { root: 'workers/api', moduleRoots: [], outsideModules: [], flagFiles: [] }, vendored: false });
    // This project's jobs by target name (a project.json may rename the project), others' by project.
    for (const name of ['build', 'build-prod', 'cross-compile', 'test', 'vet', 'serve']) expect(targets[name].metadata?.jobDeps).toEqual(['job-gen']);
    expect(targets['job-gen'].metadata?.jobDeps).toEqual(['job-version', 'shared:job-proto']);
    expect(targets['job-version'].metadata?.jobDeps).toBeUndefined();
    for (const name of ['tidy', 'vendor']) expect(targets[name].metadata?.jobDeps).toBeUndefined();
    // The description and the planned job stay beside it.
    expect(targets.build.metadata?.job.deps).toEqual(['gen']);
    expect(targets.build.metadata?.description).toBe('Development build');
  });

  it('leaves a worker without build.deps untouched', () => {
    const w = worker(CONFIG.replace('  deps: [gen]\n', ''));
    const target = { executor: 'x', inputs: ['a'] };
    expect(withBuildDeps(target, w)).toBe(target);
  });

  it('puts build.deps into the planned build job, so adding one changes the build\'s hash', () => {
    const w = worker();
    const targets = workerTargets(w, { ...ctx, disk: { root: 'workers/api', moduleRoots: [], outsideModules: [], flagFiles: [] }, vendored: false });
    expect(targets.build.metadata?.job.deps).toEqual(['gen']);
  });
});
