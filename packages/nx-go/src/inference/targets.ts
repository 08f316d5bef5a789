// Pure: a worker or library -> its Nx targets. Every input, output and option of a Go target is visible here.
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { posix } from 'node:path';
import { SERVER_CONFIG_FILE } from '../config/settings';
import { forPlatform, outputPath, planBuild, planMatrix, platformName, targetPlatforms, type BuildJob, type BuildKind, type Worker } from '../plan/build';
import { diskDigestCommand, type DiskScope } from '../plan/disk-inputs';
import { dockerBuildTarget } from './docker-target';
import {
  buildInputs,
  CONTEXT_INPUT,
  crossInputs,
  externalInputs,
  goEnvInput,
  jobInput,
  namedInputsDigest,
  pluginRuntime,
  runtimeNamedInputs,
  SOURCES_INPUT,
  TEST_CONTEXT_INPUT,
  TEST_SOURCES_INPUT,
  WORKSPACE_GO_FILES,
  type InputDefinition,
} from '../plan/inputs';
import { jobTargets, withBuildDeps } from './job-targets';

export const EXECUTORS = {
  build: '@tqserver/nx-go:build',
  vendor: '@tqserver/nx-go:vendor',
  test: '@tqserver/nx-go:test',
  vet: '@tqserver/nx-go:vet',
  tidy: '@tqserver/nx-go:tidy',
  serve: '@tqserver/nx-go:serve',
} as const;

const technologies = ['go'];

export interface ModuleContext {
  /** npm name under which the plugin is installed, for externalDependencies; null when loaded from source. */
  pluginPackage: string | null;
  /** The plugin's version and code digest. */
  pluginIdentity: string;
  /** What the module's Go commands read that Nx cannot see. */
  disk: DiskScope;
  /** How the runtime input names disk-digest.sh (digestScriptPath). */
  digestScript: string;
  /** Workspace-relative path of server.yaml, so executors read run-time settings (the timeout) from the same file. */
  serverConfig: string;
}

export interface InferenceContext extends ModuleContext {
  /** Whether the worker has vendor/modules.txt, so builds must use -mod=vendor. */
  vendored: boolean;
  /** Whether the worker has a Dockerfile (docker-target.ts). */
  dockerfile?: boolean;
}

/**
 * The binary's name, in the options so that the executor plans the same job when project.json renames
 * the project: the binary keeps the worker's name, as TQServer names it.
 */
const binaryName = (worker: Worker): string => worker.binary ?? worker.name;

/**
 * Options name only which job to run; the executor plans it again from the same settings. The job
 * itself is hashed through jobInput and shown in metadata.job (`nx show project`).
 */
function buildTarget(worker: Worker, kind: BuildKind, ctx: InferenceContext, description: string, job = planBuild(worker, kind, { vendored: ctx.vendored })): TargetConfiguration {
  const { server } = worker;
  return withBuildDeps({
    executor: EXECUTORS.build,
    cache: server.cache.enabled,
    ...(server.parallel ? {} : { parallelism: false }),
    inputs: [...buildInputs(job), jobInput(job)],
    outputs: [`{workspaceRoot}/${job.output}`],
    options: { target: kind.target, binary: binaryName(worker), serverConfig: ctx.serverConfig },
    metadata: { technologies, description, job },
  }, worker);
}

/**
 * One cross-compile task builds the whole matrix: build-prod's job for each platform (planMatrix), all
 * hashed in one job input. One target instead of one per Go port keeps the graph small (Nx copies, merges
 * and caches every target of every project on each graph computation); a matrix edit changes this
 * task's hash and nothing else, since the outputs list every first-class port whatever the matrix says.
 * The inputs are one named input when standard (crossInputs); serverConfig is left to its default.
 */
function crossCompileTarget(worker: Worker, prod: BuildJob, ctx: InferenceContext): TargetConfiguration {
  const planned = planMatrix(worker, {}, prod);
  const matrix = planned.map((m) => m.platform);
  const jobs = planned.map((m) => m.job);
  const { server } = worker;
  const sample = jobs[0] ?? forPlatform(prod, worker, targetPlatforms(worker)[0]);
  // The variables each platform sets: GOOS and GOARCH per platform, the others (CGO_ENABLED) alike for all.
  const pinned = Object.keys(sample.env)
    .filter((k) => prod.env[k] !== sample.env[k])
    .map((k) => (k === 'GOOS' ? 'GOOS=<goos>' : k === 'GOARCH' ? 'GOARCH=<goarch>' : `${k}=${sample.env[k]}`));
  const names = matrix.map(platformName);
  return withBuildDeps({
    executor: EXECUTORS.build,
    cache: server.cache.enabled,
    ...(server.parallel ? {} : { parallelism: false }),
    inputs: [...crossInputs(sample), jobInput(jobs)],
    outputs: targetPlatforms(worker).map((p) => `{workspaceRoot}/${outputPath(worker, { target: 'cross-compile', platform: p })}`),
    options: { target: 'cross-compile', binary: binaryName(worker), ...(ctx.serverConfig === SERVER_CONFIG_FILE ? {} : { serverConfig: ctx.serverConfig }) },
    metadata: {
      technologies,
      description: names.length
        ? `Production builds for ${names.join(', ')}: build-prod's job with ${pinned.join(' ')}, into ${posix.dirname(sample.output)}/` +
          `${worker.binary ?? worker.name}-<goos>-<goarch>[.exe]; --platform=<goos>/<goarch> builds one of them`
        : 'Production builds for no platform (the matrix is empty)',
    },
  }, worker);
}

/**
 * `go mod vendor` copies the packages that the module's code and tests import, from the module cache
 * (fixed by go.mod and go.sum) and from locally replaced modules (their sources). vendor/ is its output,
 * so it is left out of its own inputs, gitignored or not.
 */
function vendorInputs(ctx: ModuleContext): InputDefinition[] {
  return [
    '{projectRoot}/**/*.go',
    '{projectRoot}/go.mod',
    '{projectRoot}/go.sum',
    '!{projectRoot}/vendor/**',
    '!{projectRoot}/**/testdata/**',
    `^${SOURCES_INPUT}`,
    ...WORKSPACE_GO_FILES,
    externalInputs(ctx.pluginPackage),
    pluginRuntime(ctx.pluginIdentity),
    { runtime: diskDigestCommand({ ...ctx.disk, vendor: false }, ctx.digestScript) },
    goEnvInput(),
  ];
}

/**
 * A project with its fixed named runtime inputs (see runtimeNamedInputs): the set follows what kind of
 * Go project it is (does it build?), never its settings; `goEnvScript` names go-env.sh as digestScriptPath does.
 */
export function withRuntimeNamedInputs<P extends Pick<ProjectConfiguration, 'targets' | 'namedInputs' | 'metadata'>>(project: P, goEnvScript: string): P {
  const executors = Object.values(project.targets ?? {}).map((t) => t.executor ?? '');
  const kind = executors.includes(EXECUTORS.build) ? 'build' : executors.some((e) => e.startsWith('@tqserver/nx-go:')) ? 'module' : undefined;
  if (!kind) return project;
  const namedInputs = { ...project.namedInputs, ...runtimeNamedInputs(kind, goEnvScript) };
  // The last step of inference in both layouts: what the executors check a project.json override against.
  return { ...project, namedInputs, metadata: { ...project.metadata, goNamedInputs: namedInputsDigest(namedInputs) } };
}

/** Targets whose behaviour does not depend on config.yaml, so a broken config leaves them intact. */
export function moduleTargets(root: string, ctx: ModuleContext): Record<string, TargetConfiguration> {
  // go test and go vet read _test.go files (and tests read testdata/): their digest counts gitignored ones.
  const goInputs = [TEST_CONTEXT_INPUT, goEnvInput()];
  const options = { serverConfig: ctx.serverConfig };
  return {
    test: {
      executor: EXECUTORS.test,
      cache: true,
      inputs: [TEST_SOURCES_INPUT, `^${SOURCES_INPUT}`, ...goInputs],
      // Nx drops an output whose option is unset, so only a run with --coverprofile declares (and restores) the profile.
      outputs: ['{projectRoot}/{options.coverprofile}'],
      options,
      metadata: { technologies, description: 'Run the module\'s Go tests: go test ./...' },
    },
    vet: {
      executor: EXECUTORS.vet,
      cache: true,
      // go vet checks _test.go files too.
      inputs: [TEST_SOURCES_INPUT, `^${SOURCES_INPUT}`, ...goInputs],
      options,
      metadata: { technologies, description: 'Report suspicious constructs: go vet ./...' },
    },
    tidy: {
      executor: EXECUTORS.tidy,
      // It rewrites go.mod and go.sum, the very files it would be keyed on.
      cache: false,
      options,
      metadata: { technologies, description: 'Add missing and remove unused modules: go mod tidy' },
    },
    vendor: {
      executor: EXECUTORS.vendor,
      cache: true,
      inputs: vendorInputs(ctx),
      // --tidy rewrites go.mod and go.sum: a cache restore must bring them back with vendor/.
      outputs: [`{projectRoot}/vendor`, `{projectRoot}/go.mod`, `{projectRoot}/go.sum`],
      options: { ...options, tidy: false, verify: false },
      metadata: { technologies, description: `Copy dependencies into ${root}/vendor: go mod vendor` },
    },
  };
}

export function libraryTargets(root: string, ctx: ModuleContext): Record<string, TargetConfiguration> {
  const { vendor: _vendor, ...rest } = moduleTargets(root, ctx);
  return rest;
}

export function workerTargets(worker: Worker, ctx: InferenceContext): Record<string, TargetConfiguration> {
  const prodJob = planBuild(worker, { target: 'build-prod' }, { vendored: ctx.vendored });
  return {
    build: buildTarget(worker, { target: 'build' }, ctx, 'Development build'),
    'build-prod': buildTarget(worker, { target: 'build-prod' }, ctx, 'Production build, stamped and stripped', prodJob),
    'cross-compile': crossCompileTarget(worker, prodJob, ctx),
    // The image compiles what the jobs generate, as the builds do.
    ...(ctx.dockerfile ? { 'docker-build': withBuildDeps(dockerBuildTarget(worker, { vendored: ctx.vendored }), worker) } : {}),
    ...withJobsForTests(moduleTargets(worker.root, ctx), worker),
    ...jobTargets(worker, ctx),
    // The build's jobs run first, as for build itself; serve does not rerun them on change.
    serve: withBuildDeps(serveTarget(ctx), worker),
  };
}

/** Runs until stopped and builds on its own (through the build target's plan), so it is continuous and never cached. */
function serveTarget(ctx: ModuleContext): TargetConfiguration {
  return {
    executor: EXECUTORS.serve,
    continuous: true,
    cache: false,
    options: { serverConfig: ctx.serverConfig },
    metadata: { technologies, description: 'Serve the development build with hot reload: rebuild on change, zero-downtime swap behind a proxy' },
  };
}

/** Tests and vet compile what jobs generate into the tree, so they wait for build.deps as the builds do. */
function withJobsForTests(targets: Record<string, TargetConfiguration>, worker: Worker): Record<string, TargetConfiguration> {
  return { ...targets, test: withBuildDeps(targets.test, worker), vet: withBuildDeps(targets.vet, worker) };
}

/** A worker whose config cannot be read still gets its targets; running them reports the config error. */
export function brokenWorkerTargets(root: string, error: string, ctx: ModuleContext): Record<string, TargetConfiguration> {
  const failing = (description: string): TargetConfiguration => ({
    executor: EXECUTORS.build,
    cache: false,
    options: { configError: error },
    metadata: { technologies, description: `${description} (unavailable: config error)` },
  });
  return {
    build: failing('Development build'),
    'build-prod': failing('Production build'),
    'cross-compile': failing('Production builds for every platform'),
    ...moduleTargets(root, ctx),
  };
}
