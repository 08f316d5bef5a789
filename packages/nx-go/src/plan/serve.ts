// Pure: a worker's development build job, its inputs in the project graph and serve settings -> what `serve` runs and watches.
import { posix } from 'node:path';
import { minimatch } from 'minimatch';
import type { ServeSettings } from '../config/serve-settings';
import type { BuildJob } from './build';

/** A Go project in the worker's import closure, with its named inputs as the project graph holds them. */
export interface GraphModule {
  root: string;
  /** Entries of the `go-sources` named input (and, for the worker, `go-context`): globs with {projectRoot}/{workspaceRoot}. */
  inputs: readonly unknown[];
}

/** One module's file set, workspace-relative: a file counts when it matches an include and no exclude of the same module. */
export interface WatchRule {
  include: string[];
  exclude: string[];
}

export interface WatchSet {
  /** Workspace-relative paths to watch ('.' is the workspace root): the static bases of every include. */
  paths: string[];
  rules: WatchRule[];
  /** Workspace-relative directories that builds write into; never a reason to reload. */
  outputDirs: string[];
}

export interface ServePlan {
  name: string;
  /** "api: serve", the prefix of the plugin's own lines. */
  label: string;
  /** The development build, exactly as `build` plans it. */
  build: BuildJob;
  buildTimeoutMs: number;
  /** Workspace-relative binary to start: the build's output. */
  binary: string;
  /** Workspace-relative working directory of the process: the worker's directory (TQServer starts it there). */
  cwd: string;
  args: string[];
  /** TQServer's worker environment plus the user's `env`; WORKER_PORT/PORT are added per process. */
  env: Record<string, string>;
  /** The port users talk to: the proxy's, or the process's own when the proxy is off. */
  port: number;
  host: string;
  proxy: boolean;
  /** GET this path must answer 200 for a new process to count as ready; null: a TCP connect is enough. */
  healthPath: string | null;
  healthTimeoutMs: number;
  shutdownGraceMs: number;
  debounceMs: number;
  watch: WatchSet;
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;

/** `{projectRoot}/src/**` with root `workers/api` -> `workers/api/src/**`; `{workspaceRoot}/go.work` -> `go.work`. */
export function expandInput(pattern: string, root: string): string {
  const projectRoot = root === '.' || root === '' ? '' : root;
  return posix.normalize(pattern.replace('{projectRoot}', projectRoot).replace('{workspaceRoot}', '')).replace(/^\/+/, '') || '.';
}

/** The directory (or file) a glob cannot match outside of: its segments up to the first with a glob character. */
export function staticBase(glob: string): string {
  const fixed: string[] = [];
  for (const segment of glob.split('/')) {
    if (GLOB_CHARS.test(segment)) break;
    fixed.push(segment);
  }
  return fixed.length ? fixed.join('/') : '.';
}

const within = (path: string, dir: string) => dir === '.' || path === dir || path.startsWith(`${dir}/`);

/**
 * The watch set of a worker: exactly the files its build hashes, which are its own `go-sources`
 * (and the `go-context` files Go reads, such as go.work) and the `go-sources` of every Go project it
 * imports, transitively, as the project graph has them. `extraFiles` are the plan's flag files.
 */
export function planWatch(modules: readonly GraphModule[], extraFiles: readonly string[], outputDirs: readonly string[]): WatchSet {
  const rules: WatchRule[] = [];
  for (const m of modules) {
    const include: string[] = [];
    const exclude: string[] = [];
    for (const entry of m.inputs) {
      // Objects (runtime, externalDependencies) and references to other named inputs are not files.
      if (typeof entry !== 'string' || !/\{(projectRoot|workspaceRoot)\}/.test(entry)) continue;
      if (entry.startsWith('!')) exclude.push(expandInput(entry.slice(1), m.root));
      else include.push(expandInput(entry, m.root));
    }
    if (include.length) rules.push({ include, exclude });
  }
  if (extraFiles.length) rules.push({ include: [...extraFiles], exclude: [] });
  const bases = [...new Set(rules.flatMap((r) => r.include.map(staticBase)))].sort();
  const paths = bases.filter((b) => !bases.some((other) => other !== b && within(b, other)));
  return { paths, rules, outputDirs: [...outputDirs] };
}

/** Whether a workspace-relative file is one of the build's inputs under `set`. */
export function isWatchedInput(set: Pick<WatchSet, 'rules'>, rel: string): boolean {
  const opts = { dot: true };
  return set.rules.some((r) => r.include.some((g) => minimatch(rel, g, opts)) && !r.exclude.some((g) => minimatch(rel, g, opts)));
}

/** The environment TQServer gives a Go worker (WORKER_PORT and PORT are set per process). */
export function workerEnv(name: string, path: string, extra: Record<string, string> = {}): Record<string, string> {
  return { WORKER_NAME: name, WORKER_PATH: path, WORKER_TYPE: 'go', WORKER_MODE: 'dev', ...extra };
}

export function portEnv(port: number): Record<string, string> {
  return { WORKER_PORT: String(port), PORT: String(port) };
}

/**
 * A worker's default port: TQServer's workers.port_range_start plus the worker's index among the
 * workspace's workers sorted by worker name (workerNameOf), so `nx run-many -t serve` gives each worker its own stable port.
 */
export function defaultPort(settings: Pick<ServeSettings, 'portRangeStart' | 'portRangeEnd'>, workers: readonly string[], name: string): number {
  const index = [...new Set([...workers, name])].sort().indexOf(name);
  const port = settings.portRangeStart + index;
  if (port > settings.portRangeEnd) {
    throw new Error(`${name}: no default port left in workers.port_range_start..port_range_end (${settings.portRangeStart}-${settings.portRangeEnd}) for worker #${index + 1}; pass --port`);
  }
  return port;
}

/** The build's output directory and every module's bin/ and dist/: serve writes there, so they never trigger a reload. */
export function outputDirsOf(build: Pick<BuildJob, 'output'>, roots: readonly string[]): string[] {
  const dirs = new Set([posix.dirname(build.output)]);
  for (const root of roots) for (const d of ['bin', 'dist']) dirs.add(root === '.' || root === '' ? d : `${root}/${d}`);
  return [...dirs].sort();
}

export interface ServeInput {
  name: string;
  root: string;
  build: BuildJob;
  buildTimeoutMs: number;
  modules: readonly GraphModule[];
  settings: ServeSettings;
  /** Every Go worker of the workspace by its worker name (workerNameOf), for the default port. */
  workers: readonly string[];
  /** worker.yaml `path`. */
  workerPath: string;
  options: { port?: number; host?: string; proxy?: boolean; healthPath?: string | false; args?: string[]; env?: Record<string, string>; server?: boolean };
}

/**
 * TQServer's server, as its docs start it: from the workspace root (it reads config/server.yaml from
 * there) in dev mode, listening on server.port itself, so it is restarted in place rather than proxied,
 * and is ready once that port accepts connections.
 */
function serverPlan(input: ServeInput, plan: ServePlan): ServePlan {
  const { options, settings } = input;
  return {
    ...plan,
    cwd: '.',
    args: options.args ?? ['-mode', 'dev'],
    env: { TQSERVER_MODE: 'dev', ...options.env },
    port: options.port ?? settings.serverPort,
    proxy: false,
    healthPath: options.healthPath === undefined || options.healthPath === false || options.healthPath === '' ? null : options.healthPath,
  };
}

/**
 * The worker's name as TQServer knows it: its directory's, whatever project.json calls the project. It
 * sets WORKER_NAME and the default port, so a renamed project keeps both.
 */
export function workerNameOf(project: { name: string; root: string }): string {
  return posix.basename(project.root === '.' || project.root === '' ? project.name : project.root);
}

export function planServe(input: ServeInput): ServePlan {
  const { options, settings } = input;
  if (input.build.exec === undefined && input.build.shell === undefined) throw new Error(`${input.name}: serve: the build target plans no command`);
  const worker = workerNameOf(input);
  const port = options.port ?? (options.server ? settings.serverPort : defaultPort(settings, input.workers, worker));
  const outputDirs = outputDirsOf(input.build, input.modules.map((m) => m.root));
  const plan: ServePlan = {
    name: input.name,
    label: `${input.name}: serve`,
    build: input.build,
    buildTimeoutMs: input.buildTimeoutMs,
    binary: input.build.output,
    cwd: input.root,
    args: options.args ?? [],
    env: workerEnv(worker, input.workerPath, options.env),
    port,
    host: options.host ?? '127.0.0.1',
    proxy: options.proxy ?? true,
    healthPath: options.healthPath === false || options.healthPath === '' ? null : (options.healthPath ?? '/health'),
    healthTimeoutMs: settings.healthTimeoutMs,
    shutdownGraceMs: settings.shutdownGraceMs,
    debounceMs: settings.debounceMs,
    watch: planWatch(input.modules, input.build.files ?? [], outputDirs),
  };
  return options.server ? serverPlan(input, plan) : plan;
}
