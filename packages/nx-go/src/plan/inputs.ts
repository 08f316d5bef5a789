// Pure: which files, environment and tool versions make up a Go task's hash (its job ID).
import type { TargetConfiguration } from '@nx/devkit';
import type { WorkerSettings } from '../config/settings';
import { join } from 'node:path';
import { BINARY_ENV_VARS, type BuildJob } from './build';
import { diskDigestCommand, runScript, type DiskScope } from './disk-inputs';
import { jobOutputGlobs } from './jobs';
import { sha256Hex } from './sha256';

export type InputDefinition = NonNullable<TargetConfiguration['inputs']>[number];

/** Project-level named input holding a Go module's non-test sources; `^go-sources` pulls in dependencies'. */
export const SOURCES_INPUT = 'go-sources';
/** Named input for tests: sources plus `_test.go` and `testdata/`. */
export const TEST_SOURCES_INPUT = 'go-test-sources';

/**
 * Named input for what every Go task of a project shares: go.work, the plugin's identity and the digest
 * of the files Go reads that Nx cannot see (gitignored, or outside the workspace). Named
 * once per project rather than repeated in every target, since inferred configuration is sent
 * between processes and cached on every graph computation.
 */
export const CONTEXT_INPUT = 'go-context';
/** The same for go test and go vet, plus the digest of the project's gitignored `_test.go` files and testdata/. */
export const TEST_CONTEXT_INPUT = 'go-test-context';

/**
 * Git facts that stamps are made from: HEAD's short commit, its commit time (so a rebuild of the same
 * commit is byte-identical) and `git describe`, both abbreviated to a fixed 12 digits so that clones of
 * different sizes agree. The same string is a runtime input, so the hash
 * covers exactly what is stamped, and the command the executor runs to get the stamps. Uncommitted
 * edits are not named here: the hash covers their content, so their binary never reaches a clean tree.
 */
export const STAMP_COMMAND =
  'TZ=UTC0 git log -1 --abbrev=12 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%h%n%cd 2>/dev/null && git describe --tags --always --abbrev=12 2>/dev/null || echo unversioned';

const root = (p: string) => `{projectRoot}/${p}`;

/** Never part of what a binary is made from: the plugin's own output directories (build jobs' too) and tests. */
const ALWAYS_EXCLUDED = ['bin/**', 'dist/**', '.jobs/**', '**/*_test.go'];

/** Left out only when `sources` is not given; a worker that embeds docs lists them in `sources`. */
const DEFAULT_EXCLUDED = ['**/*.md'];

/**
 * Every kind of file `go build` reads from a module: Go, cgo, assembly and SWIG sources, .syso objects,
 * the default PGO profile and the module and workspace files. They change a binary whatever `sources`
 * says, so `sources` can add files (embedded assets) but never drop these.
 */
export const GO_READ_PATTERNS = [
  '**/*.go',
  '**/*.{c,cc,cpp,cxx,h,hh,hpp,hxx,m,s,S,sx,f,F,for,f90,swig,swigcxx,syso}',
  '**/default.pgo',
  'go.mod',
  'go.sum',
  'go.work',
  'go.work.sum',
];
/** Vendored code is read instead of the module cache once vendor/modules.txt exists. */
const VENDOR = 'vendor/**/*';

/** The worker's own source choices, as far as they decide what is hashed; jobs' outputs never are. */
export type SourceSettings = Pick<WorkerSettings, 'sources' | 'exclude'> & Partial<Pick<WorkerSettings, 'jobs'>>;

/**
 * Exclusions that an explicit `sources` entry can lift, because a binary may embed such a file:
 * config.yaml (its build section is hashed through the planned job, the rest is runtime config) and
 * testdata/. Outputs and tests can never be inputs.
 */
function negatives(settings?: SourceSettings): string[] {
  const explicit = settings?.sources ?? [];
  const liftable = [
    ...(explicit.includes('config.yaml') ? [] : ['config.yaml']),
    ...(explicit.some((s) => s.split('/').includes('testdata')) ? [] : ['**/testdata/**']),
  ];
  return [...new Set([...ALWAYS_EXCLUDED, ...jobOutputGlobs(settings), ...liftable, ...(settings?.sources ? [] : DEFAULT_EXCLUDED), ...(settings?.exclude ?? [])])];
}

export function sourceInputs(settings?: SourceSettings): string[] {
  const positive = settings?.sources ? [...settings.sources, ...GO_READ_PATTERNS, VENDOR] : ['**/*'];
  return [...new Set(positive)].map(root).concat(negatives(settings).map((p) => `!${root(p)}`));
}

export function testSourceInputs(settings?: Partial<Pick<WorkerSettings, 'jobs'>>): string[] {
  return ['**/*'].map(root).concat(['bin/**', 'dist/**', '.jobs/**', ...jobOutputGlobs(settings), '**/*.md', 'config.yaml'].map((p) => `!${root(p)}`));
}

/** The script behind Go's settings input, shipped beside this module (src/plan/go-env.sh in the package). */
export const GO_ENV_SCRIPT = join(__dirname, 'go-env.sh');

/**
 * Go's settings as `go env` reports them (variables, `go env -w` and the toolchain version alike): the
 * version and every variable in BINARY_ENV_VARS but those the job pins, then `extra`. go-env.sh holds
 * the list, so the command stays short; `script` names it as digestScriptPath does.
 */
export function goEnvRuntime(script: string, pinned: Record<string, string> = {}, extra: readonly string[] = []): InputDefinition {
  const left = BINARY_ENV_VARS.filter((v) => v in pinned);
  return { runtime: runScript(script, [...left, ...(extra.length ? ['--', ...extra] : [])]) };
}

/**
 * A cgo binary links the C toolchain's runtime and the system libc, which `go env` cannot see: their
 * versions are hashed, so runners on different images never swap cgo binaries. (System headers and
 * libraries found through pkg-config are not hashed; keep cgo builds on one image per cache.)
 */
export const CGO_TOOLCHAIN_RUNTIME: { runtime: string } = {
  runtime: 'cc=$(go env CC 2>/dev/null); "${cc:-cc}" --version 2>&1 | head -n 1; ldd --version 2>&1 | head -n 1; echo "PKG_CONFIG_PATH=${PKG_CONFIG_PATH-}"',
};

export const WORKSPACE_GO_FILES = ['{workspaceRoot}/go.work', '{workspaceRoot}/go.work.sum'];

export function externalInputs(pluginPackage: string | null): InputDefinition {
  // Only the plugin's own version (which decides argv) may invalidate a Go build, never unrelated npm changes.
  return { externalDependencies: pluginPackage ? [pluginPackage] : [] };
}

/**
 * The plugin's identity: its version and a digest of its code. Through externalDependencies Nx sees the
 * version only when the plugin sits in node_modules; this covers Yarn PnP and a plugin loaded from source.
 */
export const PLUGIN_RUNTIME_MARK = 'echo @tqserver/nx-go ';
export function pluginRuntime(identity: string): InputDefinition {
  return { runtime: `${PLUGIN_RUNTIME_MARK}${identity}` };
}

/**
 * Runtime inputs that many targets of a project share (`go env`, the git stamp, the cgo toolchain) are
 * defined once in the project's namedInputs and named by its targets: inferred configuration crosses
 * processes on every graph computation, and a worker has a dozen Go targets. Each name spells out its
 * command (`go-env-without-GOOS-GOARCH-CGO_ENABLED` leaves out the variables the job pins, since the
 * executor sets them; `-with-GOROOT-GOMODCACHE` adds the paths an untrimmed binary embeds).
 *
 * Nx hashes a project's namedInputs into every task of the project, so which of them a project has
 * must never depend on build settings (a build.env edit must not rebuild tests): every project that
 * builds gets the same fixed set, and a `go env` variant outside it (a worker whose build.env pins
 * more, such as GOAMD64) is written out in the target's own inputs, which only that task hashes.
 */
const GO_ENV_INPUT = 'go-env';
export const STAMP_INPUT = 'go-stamp';
export const CGO_TOOLCHAIN_INPUT = 'go-cgo-toolchain';
const UNTRIMMED = ['GOROOT', 'GOMODCACHE'];
const pins = (...vars: string[]) => Object.fromEntries(vars.map((v) => [v, '']));
/** The go env variants of the plugin's own pins: none (test, vet, vendor), cgo (build, build-prod), a platform (cross-compile). */
const STANDARD_GO_ENV: ReadonlyArray<readonly [Record<string, string>, readonly string[]]> = [
  [{}, []],
  [pins('CGO_ENABLED'), []],
  [pins('CGO_ENABLED'), UNTRIMMED],
  [pins('GOOS', 'GOARCH', 'CGO_ENABLED'), []],
  [pins('GOOS', 'GOARCH', 'CGO_ENABLED'), UNTRIMMED],
];

function goEnvName(pinned: Record<string, string>, extra: readonly string[]): string {
  const left = BINARY_ENV_VARS.filter((v) => v in pinned);
  return [GO_ENV_INPUT, ...(left.length ? ['without', ...left] : []), ...(extra.length ? ['with', ...extra] : [])].join('-');
}

const STANDARD_NAMES = new Set(STANDARD_GO_ENV.map(([p, e]) => goEnvName(p, e)));

const GO_ENV_RUNTIME_MARK = 'go env GOVERSION ';

/** Whether a target input is what goEnvInput makes: a standard `go-env…` named input, or the inline `go env` runtime. */
export function isGoEnvInput(input: unknown): boolean {
  return (typeof input === 'string' && input.startsWith(GO_ENV_INPUT)) || findRuntime([input], GO_ENV_RUNTIME_MARK) !== undefined;
}

/**
 * Go's settings for a job that pins `pinned` and embeds `extra`: the name of a fixed named input when the
 * plugin's own pins are all there is, else the command itself (it prints what go-env.sh would).
 */
export function goEnvInput(pinned: Record<string, string> = {}, extra: readonly string[] = []): InputDefinition {
  const name = goEnvName(pinned, extra);
  if (STANDARD_NAMES.has(name)) return name;
  const vars = [...BINARY_ENV_VARS.filter((v) => !(v in pinned)), ...extra];
  return { runtime: `${GO_ENV_RUNTIME_MARK}${vars.join(' ')} || echo go-not-found` };
}

/**
 * What a platform build of a worker reads, apart from its dependencies' sources and its job: the same for
 * every platform (the job pins GOOS, GOARCH and CGO_ENABLED), so the eight platform targets name it once.
 * A namedInputs entry cannot hold `^` inputs, so the targets add `^go-sources` themselves.
 */
export const CROSS_INPUT = 'go-cross';
const CROSS_STANDARD: InputDefinition[] = [SOURCES_INPUT, CONTEXT_INPUT, goEnvName(pins('GOOS', 'GOARCH', 'CGO_ENABLED'), []), STAMP_INPUT];

/**
 * The inputs of a platform build: CROSS_INPUT when they are the standard ones (a static, trimmed, stamped
 * build that pins no more than the plugin does), else buildInputs written out.
 */
export function crossInputs(job: BuildJob): InputDefinition[] {
  const full = buildInputs(job);
  const [sources, ...rest] = CROSS_STANDARD;
  const standard = [sources, `^${SOURCES_INPUT}`, ...rest];
  return JSON.stringify(full) === JSON.stringify(standard) ? [CROSS_INPUT, `^${SOURCES_INPUT}`] : full;
}

/** The definition behind a name from goEnvInput, STAMP_INPUT, CGO_TOOLCHAIN_INPUT or CROSS_INPUT; undefined for any other name. */
export function runtimeNamedInput(name: string, goEnvScript: string): InputDefinition[] | undefined {
  if (name === CROSS_INPUT) return CROSS_STANDARD;
  if (name === STAMP_INPUT) return [{ runtime: STAMP_COMMAND }];
  if (name === CGO_TOOLCHAIN_INPUT) return [CGO_TOOLCHAIN_RUNTIME];
  const standard = STANDARD_GO_ENV.find(([p, e]) => goEnvName(p, e) === name);
  return standard ? [goEnvRuntime(goEnvScript, ...standard)] : undefined;
}

/**
 * The fixed named runtime inputs of a project: `module` for projects whose Go commands are test, vet,
 * tidy and vendor; `build` for projects that also build (workers and main packages), whatever their
 * settings say.
 */
export function runtimeNamedInputs(kind: 'module' | 'build', goEnvScript: string): Record<string, InputDefinition[]> {
  const key = `${kind}\0${goEnvScript}`;
  let set = namedInputSets.get(key);
  if (set === undefined) {
    const names = kind === 'module' ? [GO_ENV_INPUT] : [...STANDARD_NAMES, STAMP_INPUT, CGO_TOOLCHAIN_INPUT, CROSS_INPUT];
    set = Object.fromEntries(names.map((n) => [n, runtimeNamedInput(n, goEnvScript)!]));
    namedInputSets.set(key, set);
  }
  // Shared by every project of the run (they are only ever serialized), so built once.
  return set;
}
const namedInputSets = new Map<string, Record<string, InputDefinition[]>>();

/**
 * Without -trimpath a binary embeds the absolute paths of the workspace, GOROOT and the module cache,
 * so those paths are part of what it is made from: a checkout elsewhere must not receive it.
 */
export const WORKSPACE_PATH_RUNTIME: InputDefinition = { runtime: 'pwd -P' };

export function isTrimmed(job: Pick<BuildJob, 'exec'>): boolean {
  return job.exec?.includes('-trimpath') ?? false;
}


/** What every Go command of a project reads beyond its sources, git-visible or not (see disk-inputs). */
export interface ProjectContext {
  pluginPackage: string | null;
  pluginIdentity: string;
  disk: DiskScope;
  /** How the runtime input names disk-digest.sh (digestScriptPath). */
  digestScript: string;
}

export function contextInputs(ctx: ProjectContext): InputDefinition[] {
  return [...WORKSPACE_GO_FILES, externalInputs(ctx.pluginPackage), pluginRuntime(ctx.pluginIdentity), { runtime: diskDigestCommand(ctx.disk, ctx.digestScript) }];
}

/**
 * A project's go-context and go-test-context named inputs: the second adds the digest of what go test and
 * go vet read beyond a build (the project's gitignored tests and testdata/) to the first.
 */
export function contextNamedInputs(ctx: ProjectContext): Record<string, InputDefinition[]> {
  return { [CONTEXT_INPUT]: contextInputs(ctx), [TEST_CONTEXT_INPUT]: [CONTEXT_INPUT, { runtime: diskDigestCommand({ ...ctx.disk, tests: true }, ctx.digestScript) }] };
}

/** Whether go may run the C toolchain for this job: cgo is on unless the job's env turns it off. */
export const usesCgo = (job: Pick<BuildJob, 'env'>): boolean => job.env.CGO_ENABLED !== '0';

export function buildInputs(job: BuildJob): InputDefinition[] {
  const trimmed = isTrimmed(job);
  const inputs: InputDefinition[] = [
    SOURCES_INPUT,
    `^${SOURCES_INPUT}`,
    CONTEXT_INPUT,
    ...(job.files ?? []).map((f) => `{workspaceRoot}/${f}`),
    goEnvInput(job.env, trimmed ? [] : ['GOROOT', 'GOMODCACHE']),
  ];
  if (usesCgo(job)) inputs.push(CGO_TOOLCHAIN_INPUT);
  if (!trimmed) inputs.push(WORKSPACE_PATH_RUNTIME);
  if (job.stamp) inputs.push(STAMP_INPUT);
  return inputs;
}

const JOB_MARK = 'echo nx-go-job';

/**
 * The planned job enters the hash here, per task (a cross-compile task: the matrix's jobs, as a list).
 * Target options would not do: Nx hashes every target's options into every task of the project, so a
 * production-only setting would rebuild the development binary too.
 */
export function jobInput(job: BuildJob | readonly BuildJob[]): InputDefinition {
  return { runtime: `${JOB_MARK} ${sha256Hex(JSON.stringify(job)).slice(0, 32)}` };
}

/** The first runtime input among `inputs` whose command starts with `mark`. */
export function findRuntime(inputs: readonly unknown[] | undefined, mark: string): string | undefined {
  for (const i of inputs ?? []) {
    const runtime = (i as { runtime?: unknown } | null)?.runtime;
    if (typeof runtime === 'string' && runtime.startsWith(mark)) return runtime;
  }
  return undefined;
}

export function findJobInput(inputs: readonly unknown[] | undefined): string | undefined {
  return findRuntime(inputs, JOB_MARK);
}

/**
 * A digest of a project's `go-*` named inputs, kept in the project's `metadata.goNamedInputs` by inference
 * and compared by the executors with the named inputs Nx hands them: a project.json that redefines one
 * (`go-sources`, …) changes what every task hashes without touching the targets' own inputs.
 */
export function namedInputsDigest(named: Record<string, unknown> | undefined): string {
  const go = Object.keys(named ?? {})
    .filter((k) => k.startsWith('go-'))
    .sort()
    .map((k) => [k, named![k]]);
  return sha256Hex(JSON.stringify(go)).slice(0, 16);
}
