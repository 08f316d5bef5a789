// Pure: (worker settings, target, platform) -> the Job that builds one binary. Inference hashes it; executors run it.
import { posix } from 'node:path';
import { TARGETABLE_PLATFORMS, type ModeSettings, type Platform, type ServerSettings, type WorkerFacts, type WorkerSettings } from '../config/settings';
import { hasFlag, mergeFlags, parseFlags, type ParsedFlag } from './go-flags';

export interface Worker {
  /** Project name, also the binary's base name unless `binary` says otherwise. */
  name: string;
  /** The binary's base name when it is not the project name (TQServer's server: `tqserver`). */
  binary?: string;
  /** Workspace-relative worker directory, posix separators. */
  root: string;
  /** Main package directory relative to `root` (`src` or `.`). */
  mainDir: string;
  settings: WorkerSettings;
  server: ServerSettings;
}

export function makeWorker(name: string, root: string, settings: WorkerSettings, server: ServerSettings, facts: WorkerFacts, binary?: string): Worker {
  return { name, root, mainDir: settings.main ?? (facts.hasSrc ? 'src' : '.'), settings, server, ...(binary ? { binary } : {}) };
}

export type BuildKind =
  | { target: 'build' }
  | { target: 'build-prod' }
  | { target: 'cross-compile'; platform: Platform };

/**
 * One build step, in the distbuild seed's terms: an exec or shell command whose strings may hold
 * templates ({{.Output}}, {{.OutputDir}}, {{.SourceDir}}, {{.Version}}, {{.BuildTime}}, {{.GitCommit}}),
 * rendered by the executor just before it runs. Everything here that can change the binary is in
 * the target's options, so it is part of the Nx hash.
 */
export interface BuildJob {
  /** Workspace-relative working directory. */
  cwd: string;
  /** argv, `go` first; absent when the worker's `command` replaces it. */
  exec?: string[];
  /** The seed's `build.command` shell line. */
  shell?: string;
  /** Variables set on top of the inherited environment. */
  env: Record<string, string>;
  /** Workspace-relative path of the binary. */
  output: string;
  /** Whether the Version/BuildTime/GitCommit stamps are filled in from git at run time. */
  stamp: boolean;
  /**
   * Run `<binary> --version` before the rename: true, false, or 'auto' (when main declares Version).
   * It must exit 0, and print the stamped version when `stamp` is on.
   */
  validate: boolean | 'auto';
  /** Workspace-relative files that flags name (-pgo=, -modfile=): inputs beyond the module's sources. */
  files?: string[];
  /** build.deps: the jobs this build waits for, the keys of {{index .Deps …}} in flags and command. */
  deps?: string[];
}

/** Go's names for the environment variables that change what `go build` produces. */
export const BINARY_ENV_VARS = [
  'GOOS', 'GOARCH', 'GOAMD64', 'GOARM', 'GOARM64', 'GO386', 'GOMIPS', 'GOMIPS64', 'GOPPC64', 'GORISCV64', 'GOWASM',
  'CGO_ENABLED', 'GOFLAGS', 'GOEXPERIMENT', 'GOFIPS140', 'CC', 'CXX', 'FC', 'AR', 'PKG_CONFIG', 'GCCGO',
  'CGO_CFLAGS', 'CGO_CPPFLAGS', 'CGO_CXXFLAGS', 'CGO_FFLAGS', 'CGO_LDFLAGS',
] as const;

/**
 * Flags that name files `go build` reads, relative to its working directory: their contents change the
 * binary, so they are inputs. -overlay and -C are refused: an overlay's replacement files are named
 * inside its JSON, and -C moves the build away from the planned directory (use build.dir).
 */
const FILE_FLAGS: Record<string, (value: string) => string[]> = {
  pgo: (v) => (v === 'auto' || v === 'off' || v === '' ? [] : [v]),
  modfile: (v) => [v, v.replace(/\.mod$/, '') + '.sum'],
};
const REFUSED_FLAGS: Record<string, string> = {
  overlay: 'the files an overlay substitutes are named inside its JSON and cannot be hashed; generate them into the worker instead',
  C: 'it moves the build out of the planned directory; set build.dir instead',
};

/** Workspace-relative files named by the worker's flags (-pgo=, -modfile=); throws for refused or escaping ones. */
export function flagFiles(root: string, settings: Pick<WorkerSettings, 'flags' | 'dir' | 'file'>): string[] {
  const files: string[] = [];
  for (const flag of parseFlags(settings.flags)) {
    const where = settings.file ?? `${root}/config.yaml`;
    if (flag.name in REFUSED_FLAGS) {
      throw new Error(`${where}: build.flags: -${flag.name} is not supported: ${REFUSED_FLAGS[flag.name]}`);
    }
    for (const f of FILE_FLAGS[flag.name]?.(flag.value ?? '') ?? []) {
      const file = posix.normalize(posix.join(root, settings.dir, f));
      if (posix.isAbsolute(f) || file === '..' || file.startsWith('../')) {
        throw new Error(`${where}: build.flags: -${flag.name}=${f} names a file outside the workspace, which Nx cannot hash; expected a path inside the workspace`);
      }
      files.push(file);
    }
  }
  return files;
}

const STAMP_LDFLAGS = '-X main.Version={{.Version}} -X main.BuildTime={{.BuildTime}} -X main.GitCommit={{.GitCommit}}';

export function modeOf(kind: BuildKind, server: ServerSettings): ModeSettings {
  return kind.target === 'build' ? server.development : server.production;
}

/** Output naming, `.exe` included, is decided here and nowhere else. */
export function outputPath(worker: Pick<Worker, 'name' | 'root' | 'binary'>, kind: BuildKind): string {
  const name = worker.binary ?? worker.name;
  switch (kind.target) {
    case 'build':
      return posix.join(worker.root, 'bin', name);
    // Release binaries sit in dist/, apart from bin/, so no worker name can make two targets' outputs overlap.
    case 'build-prod':
      return posix.join(worker.root, 'dist', name);
    case 'cross-compile': {
      const { goos, goarch } = kind.platform;
      return posix.join(worker.root, 'dist', `${name}-${goos}-${goarch}${goos === 'windows' ? '.exe' : ''}`);
    }
  }
}

/** The plan's own flags for a mode, before the worker's flags are layered on top. */
function modeFlags(kind: BuildKind, mode: ModeSettings): ParsedFlag[] {
  const flags: ParsedFlag[] = [];
  // VCS stamping would make the binary depend on git state that is not an input of the task.
  flags.push({ name: 'buildvcs', value: 'false' });
  if (kind.target !== 'build') {
    flags.push({ name: 'trimpath' }, { name: 'tags', value: 'production' });
  }
  if (!mode.optimize) flags.push({ name: 'gcflags', value: 'all=-N -l' });
  if (!mode.includeDebug) flags.push({ name: 'ldflags', value: '-s -w' });
  return flags;
}

/** The relative import path of the main package as seen from the working directory. */
function mainPackageArg(worker: Worker): string {
  const rel = posix.relative(posix.join(worker.root, worker.settings.dir), posix.join(worker.root, worker.mainDir));
  return rel === '' ? '.' : rel.startsWith('.') ? rel : `./${rel}`;
}

export function platforms(worker: Pick<Worker, 'settings' | 'server'>): Platform[] {
  const matrix = worker.settings.crossCompile.platforms ?? worker.server.crossCompile.platforms;
  const ignored = [...worker.server.crossCompile.ignore, ...worker.settings.crossCompile.ignore];
  // A platform listed twice is built once: two builds of it would race for one output.
  return matrix.filter((p, i) => !ignored.some(samePlatform(p)) && matrix.findIndex(samePlatform(p)) === i);
}

const samePlatform = (a: Platform) => (b: Platform) => a.goos === b.goos && a.goarch === b.goarch;

/**
 * Platforms whose binaries the cross-compile target declares as outputs: Go's first-class ports plus whatever
 * the matrix adds. The set does not follow the matrix (Nx hashes a project's outputs into all its tasks), so
 * editing the matrix among these ports changes the cross-compile task's hash only.
 */
export function targetPlatforms(worker: Pick<Worker, 'settings' | 'server'>): Platform[] {
  const all = [...TARGETABLE_PLATFORMS];
  for (const p of [...worker.server.crossCompile.platforms, ...(worker.settings.crossCompile.platforms ?? [])]) {
    if (!all.some(samePlatform(p))) all.push(p);
  }
  return all;
}

export function platformName(p: Platform): string {
  return `${p.goos}/${p.goarch}`;
}

/**
 * The jobs of one cross-compile task: build-prod's job for each platform of the matrix, in matrix order.
 * Inference hashes all of them (jobInput); the executor runs all of them, or the one `--platform` names.
 */
export function planMatrix(
  worker: Worker,
  opts: { vendored?: boolean } = {},
  prod = planBuild(worker, { target: 'build-prod' }, opts),
): { platform: Platform; job: BuildJob }[] {
  return platforms(worker).map((platform) => ({ platform, job: forPlatform(prod, worker, platform) }));
}

/** The kind of a build or build-prod task; cross-compile tasks are planned by planMatrix. */
export function kindOf(target: string): BuildKind {
  if (target === 'build' || target === 'build-prod') return { target };
  throw new Error(`unknown build target ${JSON.stringify(target)}; expected build, build-prod or cross-compile`);
}

export function planBuild(worker: Worker, kind: BuildKind, opts: { vendored?: boolean } = {}): BuildJob {
  if (kind.target === 'cross-compile') return forPlatform(planBuild(worker, { target: 'build-prod' }, opts), worker, kind.platform);
  const { settings } = worker;
  const mode = modeOf(kind, worker.server);
  const stamp = mode.stamp;
  const cwd = posix.normalize(posix.join(worker.root, settings.dir)).replace(/(.)\/$/, '$1');
  const output = outputPath(worker, kind);

  // cgo is always decided here, never inherited: a cgo binary depends on the C toolchain and libc, which
  // only a cgo build hashes (cgoToolchainRuntime), so static builds are the default in every mode.
  const env: Record<string, string> = { CGO_ENABLED: mode.static ? '0' : '1' };
  Object.assign(env, settings.env);

  // Release binaries are checked whether stamped or not; the check only asks for the version when stamped.
  const validate = kind.target === 'build' ? false : (settings.validate ?? 'auto');

  const deps = settings.deps?.length ? { deps: settings.deps } : {};
  if (settings.command !== undefined && kind.target === 'build') {
    return { cwd, shell: settings.command, env, output, stamp: false, validate: false, ...deps };
  }

  const files = flagFiles(worker.root, settings);
  const user = parseFlags(settings.flags);
  const layers: ParsedFlag[][] = [modeFlags(kind, mode), user];
  if (stamp) layers.push([{ name: 'ldflags', value: STAMP_LDFLAGS }]);
  if (opts.vendored && !hasFlag(user, 'mod')) layers.push([{ name: 'mod', value: 'vendor' }]);
  const flags = mergeFlags(...layers).filter((f) => !f.startsWith('-o='));

  return {
    cwd,
    exec: ['go', 'build', ...flags, '-o', '{{.Output}}', mainPackageArg(worker)],
    env,
    output,
    stamp,
    validate,
    ...(files.length ? { files } : {}),
    ...deps,
  };
}

/**
 * A cross-compile job is build-prod's job (same flags, stamps and validation) for another GOOS/GOARCH,
 * written to its own file: inference derives every platform from one planned build-prod this way.
 */
export function forPlatform(prod: BuildJob, worker: Pick<Worker, 'name' | 'root' | 'binary' | 'settings'>, platform: Platform): BuildJob {
  const { settings } = worker;
  const env: Record<string, string> = { ...prod.env, GOOS: platform.goos, GOARCH: platform.goarch };
  // Cross builds have no target C toolchain unless the user says so.
  env.CGO_ENABLED = settings.crossCompile.cgo ? (settings.env.CGO_ENABLED ?? '1') : '0';
  return { ...prod, env, output: outputPath(worker, { target: 'cross-compile', platform }) };
}

/** The exact command line, for `--verbose` and target descriptions. */
export function describeJob(job: Pick<BuildJob, 'cwd' | 'exec' | 'shell' | 'env' | 'output'>): string {
  const env = Object.entries(job.env).map(([k, v]) => `${k}=${quote(v)}`);
  const cmd = job.shell ?? (job.exec ?? []).map(quote).join(' ');
  return [`(in ${job.cwd})`, ...env, cmd].join(' ').replaceAll('{{.Output}}', job.output);
}

function quote(s: string): string {
  return /^[\w@%+=:,./{}-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
