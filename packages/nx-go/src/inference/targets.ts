// Pure: a worker or library -> its Nx targets. Every input, output and option of a Go target is visible here.
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { SERVER_CONFIG_FILE, type Platform } from '../config/settings';
import { forPlatform, planBuild, platformName, platforms, targetPlatforms, type BuildJob, type BuildKind, type Worker } from '../plan/build';
import { diskDigestCommand, type DiskScope } from '../plan/disk-inputs';
import { dockerBuildTarget } from './docker-target';
import {
  buildInputs,
  CONTEXT_INPUT,
  crossInputs,
  externalInputs,
  goEnvInput,
  jobInput,
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

export function platformTargetName(p: Platform): string {
  return `cross-compile-${p.goos}-${p.goarch}`;
}

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
    options: { target: kind.target, serverConfig: ctx.serverConfig },
    metadata: { technologies, description, job },
  }, worker);
}

/**
 * A platform target, kept small: a worker has eight of them, and Nx copies, merges and caches every
 * property of every target on each graph computation. The job is build-prod's (forPlatform), so metadata
 * names what differs instead of repeating it (`nx show project` shows build-prod's job beside it); the
 * inputs are one named input when standard (crossInputs); serverConfig is left to its default.
 */
function platformTarget(worker: Worker, prod: BuildJob, p: Platform, ctx: InferenceContext, inputs: InputDefinition[]): TargetConfiguration {
  const job = forPlatform(prod, worker, p);
  const { server } = worker;
  const pinned = Object.entries(job.env).filter(([k, v]) => prod.env[k] !== v).map(([k, v]) => `${k}=${v}`);
  return withBuildDeps({
    executor: EXECUTORS.build,
    cache: server.cache.enabled,
    ...(server.parallel ? {} : { parallelism: false }),
    inputs: [...inputs, jobInput(job)],
    outputs: [`{workspaceRoot}/${job.output}`],
    options: { target: 'cross-compile', platform: platformName(p), ...(ctx.serverConfig === SERVER_CONFIG_FILE ? {} : { serverConfig: ctx.serverConfig }) },
    metadata: { technologies, description: `Production build for ${platformName(p)}: build-prod's job with ${pinned.join(' ')}, into ${job.output}` },
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
export function withRuntimeNamedInputs<P extends Pick<ProjectConfiguration, 'targets' | 'namedInputs'>>(project: P, goEnvScript: string): P {
  const executors = Object.values(project.targets ?? {}).map((t) => t.executor ?? '');
  const kind = executors.includes(EXECUTORS.build) ? 'build' : executors.some((e) => e.startsWith('@tqserver/nx-go:')) ? 'module' : undefined;
  return kind ? { ...project, namedInputs: { ...project.namedInputs, ...runtimeNamedInputs(kind, goEnvScript) } } : project;
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
  const matrix = platforms(worker);
  const prodJob = planBuild(worker, { target: 'build-prod' }, { vendored: ctx.vendored });
  const prod = buildTarget(worker, { target: 'build-prod' }, ctx, 'Production build, stamped and stripped', prodJob);
  const all = targetPlatforms(worker);
  // The same for every platform: the jobs differ only in the values of GOOS and GOARCH, and in the output.
  const inputs = crossInputs(forPlatform(prodJob, worker, all[0]));
  const perPlatform = Object.fromEntries(all.map((p) => [platformTargetName(p), platformTarget(worker, prodJob, p, ctx, inputs)]));
  return {
    build: buildTarget(worker, { target: 'build' }, ctx, 'Development build'),
    'build-prod': prod,
    'cross-compile': {
      executor: 'nx:noop',
      dependsOn: matrix.map(platformTargetName),
      cache: false,
      metadata: {
        technologies,
        description: `Production builds for ${matrix.map(platformName).join(', ')}; each platform is its own cached task`,
      },
    },
    ...perPlatform,
    ...(ctx.dockerfile ? { 'docker-build': dockerBuildTarget(worker, { vendored: ctx.vendored }) } : {}),
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
