// Pure: the runtime input that hashes files Go reads but Nx's own file hashing cannot see.
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { isLocalReplacementPath } from '../graph/go-mod';
import { parseGoModCached } from '../graph/workspace-modules';
import type { SourceSettings } from './inputs';
import { jobOutputGlobs } from './jobs';

/**
 * Nx hashes only the files git can see: a gitignored go.work, vendor/, generated Go file or embedded
 * asset, and any module replaced from outside the workspace, would otherwise never reach a hash, and a
 * change to one would be served from the cache. This scope names what a project's Go commands read.
 */
export interface DiskScope {
  /** Workspace-relative project root. */
  root: string;
  /**
   * Workspace-relative roots of local modules that the project's go.mod replaces into the build, and,
   * for a package inside a larger module (TQServer's layout), that module's root.
   */
  moduleRoots: string[];
  /** Replacement directories outside the workspace, relative to the workspace root (`../…`). */
  outsideModules: string[];
  /** The worker's `sources` and `exclude`, when it is a worker with settings. */
  settings?: SourceSettings;
  /** Workspace-relative files named by go build flags (-pgo, -modfile). */
  flagFiles: string[];
  /** false for `go mod vendor`, whose output vendor/ is. */
  vendor?: boolean;
  /** Directories of other Go modules nested inside these roots: Go never reads them for this project. */
  nestedModules?: string[];
  /** Nx's cache directories inside the workspace: they hold copies of outputs, generated Go files among them. */
  cacheDirs?: string[];
  /**
   * For go test and go vet: only what they read beyond a build, the project's own `_test.go` files and
   * `testdata/` (a gitignored generated mock or fixture). Not narrowed by the worker's `exclude`, which
   * keeps files out of the binary, not out of `go test ./...`.
   */
  tests?: boolean;
}

/** Go's own source kinds, as git pathspec globs (git has no braces). Keep in step with GO_READ_PATTERNS and disk-digest.sh. */
const GIT_GO_READ = ['*.go', '*.[chmsSfF]', '*.[ch][ch]', '*.[ch]pp', '*.[ch]xx', '*.sx', '*.for', '*.f90', '*.swig', '*.swigcxx', '*.syso', 'default.pgo'];

const prefix = (root: string) => (root === '.' || root === '' ? '' : `${root}/`);
/** A path inside a glob pathspec: git's glob characters escaped (as disk-digest.sh's gesc does). */
const globSafe = (path: string) => path.replace(/[[\]*?\\]/g, '\\$&');
/** The directory prefix of `root` for glob pathspecs. */
const globPrefix = (root: string) => globSafe(prefix(root));

/** Local `replace` directories of a go.mod, split into those inside the workspace and those outside. */
export function replacedModules(root: string, goModText: string): Pick<DiskScope, 'moduleRoots' | 'outsideModules'> {
  const moduleRoots: string[] = [];
  const outsideModules: string[] = [];
  for (const r of parseGoModCached(goModText).replaces) {
    if (!isLocalReplacementPath(r.to) || r.to.startsWith('/')) {
      if (r.to.startsWith('/')) outsideModules.push(r.to);
      continue;
    }
    const dir = posix.normalize(posix.join(root, r.to.replaceAll('\\', '/')));
    (dir === '..' || dir.startsWith('../') ? outsideModules : moduleRoots).push(dir);
  }
  return { moduleRoots: [...new Set(moduleRoots)], outsideModules: [...new Set(outsideModules)] };
}

/** Directories from the project root up to the workspace root (''), where Go looks for go.work. */
function ancestors(root: string): string[] {
  const out = [''];
  for (let dir = root; dir !== '.' && dir !== ''; dir = posix.dirname(dir)) out.push(dir);
  return out;
}

/**
 * The pathspecs of `git ls-files --others --ignored`: every Go-read file of the project and its local
 * modules, vendor/, files that an explicit `sources` names (embedded assets) and flag files, minus
 * outputs, tests and the worker's excludes. Only these ignored files are hashed, so a stray log or
 * coverage file in a worker never costs a rebuild.
 */
export function ignoredFileSpecs(input: DiskScope): string[] {
  const scope = input.tests ? testScope(input) : input;
  const specs: string[] = [];
  const root = globPrefix(scope.root);
  if (scope.tests) {
    specs.push(`:(glob)${root}**/*_test.go`, `:(glob)${root}**/testdata/**`);
  } else {
    const roots = [scope.root, ...scope.moduleRoots];
    for (const r of roots) for (const p of GIT_GO_READ) specs.push(`:(glob)${globPrefix(r)}**/${p}`);
    // Go reads vendor/ of the main module only; which root that is depends on the layout, so all count.
    for (const r of roots) specs.push(`:(${scope.vendor === false ? 'exclude,' : ''}glob)${globPrefix(r)}vendor/**`);
    for (const r of roots) for (const f of ['go.mod', 'go.sum']) specs.push(`:(literal)${prefix(r)}${f}`);
    for (const dir of ancestors(scope.root)) for (const f of ['go.work', 'go.work.sum']) specs.push(`:(literal)${prefix(dir)}${f}`);
  }
  for (const s of scope.settings?.sources ?? []) specs.push(`:(glob)${root}${s}`);
  for (const f of scope.flagFiles) specs.push(`:(literal)${f}`);
  const explicit = scope.settings?.sources ?? [];
  // Build jobs' outputs (.jobs/ and what they generate into the tree) reach a build's hash through the job's ID.
  const excluded = [`${root}bin/**`, `${root}dist/**`, `${root}.jobs/**`, ...(scope.tests ? [] : ['**/*_test.go']), '**/node_modules/**', '**/.nx/**'];
  for (const dir of scope.cacheDirs ?? []) excluded.push(`${globSafe(dir)}/**`);
  for (const o of jobOutputGlobs(scope.settings)) excluded.push(`${root}${o}`);
  if (!scope.tests && !explicit.some((s) => s.split('/').includes('testdata'))) excluded.push('**/testdata/**');
  for (const e of scope.settings?.exclude ?? []) excluded.push(`${root}${e}`);
  for (const dir of scope.nestedModules ?? []) excluded.push(`${globSafe(dir)}/**`);
  for (const e of excluded) specs.push(`:(exclude,glob)${e}`);
  return [...new Set(specs)];
}

/**
 * A tests scope (DiskScope.tests) reduced to what go test and go vet read beyond a build: the project's own
 * tests and testdata/, minus outputs, job outputs, cache directories and nested modules. Other modules'
 * tests never run here, and `exclude` keeps files out of the binary, not out of `go test ./...`.
 */
function testScope(scope: DiskScope): DiskScope {
  const { root, cacheDirs, nestedModules, settings } = scope;
  return { root, moduleRoots: [], outsideModules: [], flagFiles: [], cacheDirs, nestedModules, settings: { sources: undefined, exclude: [], jobs: settings?.jobs }, tests: true };
}

/** One shell word: as is when safe, single-quoted otherwise. */
export const sh = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** Marks the digest of a workspace that is not a git work tree; the build executor refuses to run then. */
export const NOT_A_GIT_WORK_TREE = 'nx-go:not-a-git-work-tree';

/** The script that computes the digest, shipped beside this module (src/plan/disk-digest.sh in the package). */
export const DISK_DIGEST_SCRIPT = join(__dirname, 'disk-digest.sh');

/**
 * How a runtime input names the script: relative to the workspace root (where Nx runs runtime inputs)
 * when it is inside it, as in node_modules. Nx hashes a runtime input's output, but a runtime input
 * inside namedInputs also reaches the hash as text, through the project configuration; a relative
 * path keeps that text the same in every checkout, so checkouts share cache entries.
 */
export function digestScriptPath(workspaceRoot: string, script: string = DISK_DIGEST_SCRIPT): string {
  const rel = relative(workspaceRoot, script).split(sep).join('/');
  return rel.startsWith('../') || isAbsolute(rel) ? script : rel;
}

/**
 * How a runtime input runs one of the plugin's scripts: Nx starts each runtime input as `sh -c <command>`,
 * and `exec` lets that shell become the script's instead of forking another (Nx runs one such command
 * per project, and per task for the job digest, before every run).
 */
export function runScript(script: string, args: readonly string[]): string {
  return ['exec', 'sh', script, ...args].map(sh).join(' ');
}

/**
 * The runtime input's command, run by Nx at hash time from the workspace root: `exec sh <script> <scope>`. It
 * prints the names and git blob hashes of the ignored files of ignoredFileSpecs, of every Go-read file
 * of modules replaced from outside the workspace (listed relative to their directory, so the
 * checkout's location does not matter), and GOWORK's file. The scope travels as short arguments and
 * the script builds the pathspecs, so the ~3 KB of pathspecs are not in every project's configuration.
 */
export function diskDigestCommand(input: DiskScope, script: string): string {
  const scope = input.tests ? testScope(input) : input;
  const args = [scope.root];
  for (const m of scope.moduleRoots) args.push('-m', m);
  for (const o of scope.outsideModules) args.push('-o', o);
  for (const s of scope.settings?.sources ?? []) args.push('-s', s);
  for (const x of [...(scope.settings?.exclude ?? []), ...jobOutputGlobs(scope.settings)]) args.push('-x', x);
  for (const d of [...(scope.cacheDirs ?? []), ...(scope.nestedModules ?? [])]) args.push('-X', `${globSafe(d)}/**`);
  for (const f of scope.flagFiles) args.push('-f', f);
  if (scope.vendor === false) args.push('-V');
  if (scope.tests) args.push('-T');
  return runScript(script, args);
}

/** The scope of a project inside an enclosing module: the module's files and its replacements count too. */
export function inModuleScope(root: string, moduleRoot: string, moduleGoMod: string, rest: Pick<DiskScope, 'settings' | 'flagFiles'> = { flagFiles: [] }): DiskScope {
  const replaced = replacedModules(moduleRoot, moduleGoMod);
  return { root, moduleRoots: [moduleRoot, ...replaced.moduleRoots.filter((r) => r !== moduleRoot)], outsideModules: replaced.outsideModules, ...rest };
}

/**
 * Nx's cache directory inside the workspace (nx.json cacheDirectory), relative to it: a scope at the
 * workspace root must not list the copies of outputs it holds. NX_CACHE_DIRECTORY is not read: the
 * command text is hashed with the project's configuration, and a variable set differently on two
 * machines would keep them from sharing a remote cache. (Nx's default, .nx/cache, is always left out.)
 */
export function workspaceCacheDirs(workspaceRoot: string, cacheDirectory: unknown): string[] {
  if (typeof cacheDirectory !== 'string' || cacheDirectory === '') return [];
  const slashed = cacheDirectory.replace(/\\/g, '/');
  const rel = posix.normalize(posix.isAbsolute(slashed) ? posix.relative(workspaceRoot.replace(/\\/g, '/'), slashed) : slashed).replace(/\/+$/, '');
  return rel !== '.' && rel !== '..' && !rel.startsWith('../') && !posix.isAbsolute(rel) ? [rel] : [];
}
