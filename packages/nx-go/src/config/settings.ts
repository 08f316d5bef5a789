// Reads config/server.yaml and workers/<name>/config.yaml into typed settings; every default is applied here, once.
import { existsSync } from 'node:fs';
import { join, isAbsolute, posix } from 'node:path';
import {
  type FieldType,
  boolean,
  duration,
  envMap,
  object,
  positiveInteger,
  readSection,
  string,
  stringList,
} from './yaml-schema';
import { jobsShape, readJobs, type JobsSettings } from './jobs';
import { readTextIfExists } from './read-text';

export { ConfigError } from './yaml-schema';

export interface Platform {
  goos: string;
  goarch: string;
}

export interface ModeSettings {
  /** false adds `-gcflags=all=-N -l`: no optimisation, no inlining (fast to compile, debugger-friendly). */
  optimize: boolean;
  /** false strips the symbol table and DWARF (`-ldflags=-s -w`). */
  includeDebug: boolean;
  /** true sets `CGO_ENABLED=0` (the default in both modes); false turns cgo on, and hashes the C toolchain. */
  static: boolean;
  /** Stamp main.Version/BuildTime/GitCommit from git; every commit then rebuilds (see the README's trade-off). */
  stamp: boolean;
}

export interface ServerSettings {
  /** Workspace-relative path of the file these came from, or null when it does not exist. */
  file: string | null;
  timeoutMs: number;
  parallel: boolean;
  maxParallel: number;
  /** `dir` is undefined unless server.yaml names one: Nx's own cache directory is then left alone. */
  cache: { enabled: boolean; dir?: string };
  development: ModeSettings;
  production: ModeSettings;
  crossCompile: { platforms: Platform[]; ignore: Platform[] };
}

export interface WorkerSettings {
  /** Workspace-relative path of the worker's config.yaml, or null when it has none. */
  file: string | null;
  /** The seed's shell line; when set, `build` runs it instead of the planned `go build`. */
  command?: string;
  timeoutMs: number;
  /** Working directory, relative to the worker root. */
  dir: string;
  env: Record<string, string>;
  flags: string[];
  /** Input globs relative to the worker root; undefined means "everything but outputs and tests". */
  sources?: string[];
  exclude: string[];
  /** Main package directory relative to the worker root; undefined means `src` when present, else `.`. */
  main?: string;
  /** Run the production binary with --version after building; undefined means "when main declares Version". */
  validate?: boolean;
  crossCompile: { platforms?: Platform[]; ignore: Platform[]; cgo: boolean };
  /** Build jobs (`build.jobs`) and the ones every build depends on (`build.deps`); see config/jobs.ts. */
  jobs: JobsSettings['jobs'];
  deps: JobsSettings['deps'];
}

export const SERVER_CONFIG_FILE = 'config/server.yaml';
export const WORKER_CONFIG_FILE = 'config.yaml';

/** The seed's matrix (scripts/build-all-platforms.sh). */
export const DEFAULT_PLATFORMS: Platform[] = ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64'].map(
  parsePlatform,
);

/**
 * Go's first-class ports. Every worker gets a cross-compile target for each of them (and for any
 * configured platform), whether or not the matrix selects it: Nx hashes every target definition of a
 * project into every task of that project, so a target set that followed the matrix would make a
 * matrix edit rebuild every platform. The matrix only decides what `cross-compile` depends on.
 */
export const TARGETABLE_PLATFORMS: Platform[] = [
  'linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64', 'linux/386', 'linux/arm', 'windows/386',
].map(parsePlatform);

const DEFAULT_TIMEOUT_MS = 60_000;

export function parsePlatform(text: string): Platform {
  const [goos, goarch] = text.split('/');
  return { goos, goarch };
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9]+$/;
const isPlatform = (s: string) => PLATFORM.test(s);
const platformList = stringList('"goos/goarch" string (such as linux/amd64)', isPlatform, { pattern: PLATFORM.source });
const isRelativeInside = (s: string) => {
  const n = posix.normalize(s.replaceAll('\\', '/'));
  return s.length > 0 && !isAbsolute(s) && n !== '..' && !n.startsWith('../');
};
/** isRelativeInside as a pattern: not empty, not absolute, not starting with `..`. A later `..` that normalises outside is beyond a pattern. */
const RELATIVE_INSIDE_SCHEMA = { minLength: 1, pattern: '^(?![\\\\/])(?!\\.\\.([\\\\/]|$))' };
const relativePath = stringList('path relative to the worker, not leaving it', isRelativeInside, RELATIVE_INSIDE_SCHEMA);

const modeShape = { optimize: boolean, include_debug: boolean, static: boolean, stamp: boolean };

export const serverShape = {
  defaults: object({ timeout: duration, parallel: boolean, max_parallel: positiveInteger }),
  cache: object({ enabled: boolean, dir: string }),
  development: object(modeShape),
  production: object(modeShape),
  cross_compile: object({ platforms: platformList, ignore: platformList }),
};

const insidePath: FieldType<string> = {
  describe: 'a path relative to the worker, not leaving it',
  schema: { type: 'string', ...RELATIVE_INSIDE_SCHEMA },
  read(node, at) {
    const value = string.read(node, at);
    if (typeof value === 'string' && !isRelativeInside(value)) {
      return at.fail(node, at.key, `${JSON.stringify(value)} is not valid; expected a path relative to the worker, not leaving it`);
    }
    return value;
  },
};

export const workerShape = {
  command: string,
  timeout: duration,
  dir: insidePath,
  env: envMap,
  flags: stringList(),
  sources: relativePath,
  exclude: stringList(),
  main: insidePath,
  validate: boolean,
  cross_compile: object({ platforms: platformList, ignore: platformList, cgo: boolean }),
  ...jobsShape,
};

function readIfPresent(root: string, file: string): string | null {
  return readTextIfExists(join(root, file));
}

export function parseServerSettings(file: string | null, text: string | null): ServerSettings {
  const b = text === null || file === null ? {} : readSection(file, text, 'build', serverShape);
  const mode = (m: { optimize?: boolean; include_debug?: boolean; static?: boolean; stamp?: boolean } | undefined, d: ModeSettings): ModeSettings => ({
    optimize: m?.optimize ?? d.optimize,
    includeDebug: m?.include_debug ?? d.includeDebug,
    static: m?.static ?? d.static,
    stamp: m?.stamp ?? d.stamp,
  });
  return {
    file: text === null ? null : file,
    timeoutMs: b.defaults?.timeout ?? DEFAULT_TIMEOUT_MS,
    parallel: b.defaults?.parallel ?? true,
    maxParallel: b.defaults?.max_parallel ?? 4,
    cache: { enabled: b.cache?.enabled ?? true, dir: b.cache?.dir },
    // The seed's documented values are the defaults.
    // Development builds are static too: cgo would make the binary depend on an unhashed C toolchain.
    development: mode(b.development, { optimize: false, includeDebug: true, static: true, stamp: false }),
    production: mode(b.production, { optimize: true, includeDebug: false, static: true, stamp: true }),
    crossCompile: {
      platforms: (b.cross_compile?.platforms?.map(parsePlatform)) ?? DEFAULT_PLATFORMS,
      ignore: b.cross_compile?.ignore?.map(parsePlatform) ?? [],
    },
  };
}

export function parseWorkerSettings(file: string | null, text: string | null, server: ServerSettings): WorkerSettings {
  const b = text === null || file === null ? {} : readSection(file, text, 'build', workerShape);
  const jobs = text === null || file === null ? { jobs: {}, deps: [] } : readJobs(file, text, b);
  return {
    file: text === null ? null : file,
    command: b.command,
    timeoutMs: b.timeout ?? server.timeoutMs,
    dir: b.dir ?? '.',
    env: b.env ?? {},
    flags: b.flags ?? [],
    sources: b.sources,
    exclude: b.exclude ?? [],
    main: b.main,
    validate: b.validate,
    crossCompile: {
      platforms: b.cross_compile?.platforms?.map(parsePlatform),
      ignore: b.cross_compile?.ignore?.map(parsePlatform) ?? [],
      cgo: b.cross_compile?.cgo ?? false,
    },
    ...jobs,
  };
}

export function loadServerSettings(workspaceRoot: string, file = SERVER_CONFIG_FILE): ServerSettings {
  return parseServerSettings(file, readIfPresent(workspaceRoot, file));
}

export function loadWorkerSettings(workspaceRoot: string, workerRoot: string, server: ServerSettings): WorkerSettings {
  const file = join(workerRoot, WORKER_CONFIG_FILE);
  return parseWorkerSettings(file, readIfPresent(workspaceRoot, file), server);
}

/** What the worker's directory says about its build, beyond config.yaml. */
export interface WorkerFacts {
  /** The seed's layout: the main package lives in src/. */
  hasSrc: boolean;
  /** The module's vendor/modules.txt exists, so builds use -mod=vendor. */
  vendored: boolean;
  /** The worker has a Dockerfile, so it gets a docker-build target. */
  dockerfile?: boolean;
}

/** The workspace-relative directory of the go.mod that `dir` builds in: itself or the nearest one above it. */
export function enclosingModuleDir(workspaceRoot: string, dir: string): string | undefined {
  for (let d = posix.normalize(dir); ; d = posix.dirname(d)) {
    if (existsSync(join(workspaceRoot, d, 'go.mod'))) return d;
    if (d === '.' || d === '/' || d === '') return undefined;
  }
}

export function readWorkerFacts(workspaceRoot: string, workerRoot: string): WorkerFacts {
  // A worker inside a larger module (TQServer's layout) builds with that module's vendor/.
  const moduleDir = enclosingModuleDir(workspaceRoot, workerRoot) ?? workerRoot;
  return {
    hasSrc: existsSync(join(workspaceRoot, workerRoot, 'src')),
    vendored: existsSync(join(workspaceRoot, moduleDir, 'vendor', 'modules.txt')),
    dockerfile: existsSync(join(workspaceRoot, workerRoot, 'Dockerfile')),
  };
}
