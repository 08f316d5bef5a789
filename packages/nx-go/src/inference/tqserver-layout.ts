// createNodes for both layouts: TQServer's (one module; workers with config/worker.yaml; server/src) beside the seed's (a go.mod per worker).
import type { CreateNodesContext, CreateNodesResult, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { readWorkerFacts, SERVER_CONFIG_FILE } from '../config/settings';
import { parseBuildSettings, parseWorkerYaml, readBuildConfigTexts, WORKER_YAML_FILE, workersDirectory, type Enabled, type WorkerType } from '../config/worker-yaml';
import { flagFiles, makeWorker } from '../plan/build';
import { inModuleScope, replacedModules, type DiskScope } from '../plan/disk-inputs';
import { contextNamedInputs, SOURCES_INPUT, sourceInputs, TEST_SOURCES_INPUT, testSourceInputs } from '../plan/inputs';
import { moduleSourceInputs, moduleTestInputs, workerYamlSourceInputs, workerYamlTestInputs } from '../plan/module-inputs';
import { createGoNodes, filesUnder, isSkippedRoot, pluginIdentity, readSharedInputs, type GoPluginOptions, type SharedInputs } from './create-nodes';
import { codeFingerprint, InferenceMemo } from './memo';
import { jobNamedInputs } from './job-targets';
import { brokenWorkerTargets, EXECUTORS, moduleTargets, withRuntimeNamedInputs, workerTargets, type ModuleContext } from './targets';
import { DEP_NAME } from '../plan/jobs';
import { readTextIfExists } from '../config/read-text';

export interface LayoutPluginOptions extends GoPluginOptions {
  /**
   * Directories (globs) of other main packages outside the workers, such as tools or daemons; each
   * becomes a project with a worker's build targets. TQServer's `server` is found without it.
   */
  mains?: string | string[];
}

/** One glob for createNodes v2: modules, TQServer's worker files, and Go files (for packages and main packages). */
export const LAYOUT_GLOB = '**/{go.mod,*.go,config/worker.yaml}';

/** TQServer's server: `server/src`, package main. */
export const SERVER_ROOT = 'server';

export type Role =
  | { kind: 'worker'; root: string; type: WorkerType; ownModule: boolean; moduleRoot?: string }
  | { kind: 'main'; root: string; mainDir: string; ownModule: boolean; moduleRoot?: string; server: boolean }
  /** `hasPackage`: non-test Go files at the module root, a package the module project owns. */
  | { kind: 'module'; root: string; hasPackage: boolean }
  | { kind: 'package'; root: string; moduleRoot: string };

export interface LayoutInput {
  /** Every file the glob matched, workspace-relative. */
  files: readonly string[];
  /** Roots of directories with config/worker.yaml under the worker globs, with their type. */
  workers: ReadonlyMap<string, WorkerType>;
  /** Roots of main-package projects, with their main package directory; `server` marks TQServer's. */
  mains: ReadonlyArray<{ root: string; mainDir: string; server: boolean }>;
}

export interface Layout {
  roles: Role[];
  /** go.mod files that the seed's inference (createGoNodes) handles as before. */
  plainGoMods: string[];
}

const within = (dir: string, root: string) => root === '.' || dir === root || dir.startsWith(`${root}/`);

/** The nearest module root at or above `dir`, among `moduleRoots`. */
function nearestModule(dir: string, moduleRoots: ReadonlySet<string>): string | undefined {
  for (let d = dir; ; d = posix.dirname(d)) {
    if (moduleRoots.has(d)) return d;
    if (d === '.') return undefined;
  }
}

/**
 * Pure: which directory plays which part. A module that holds a worker or main package without its
 * own go.mod is an enclosing module: its project keeps go.mod, go.sum, tidy and vendor, and every
 * other directory of it with non-test Go files is a package project, so that Nx's file-to-project
 * mapping (which is what `affected` runs on) is as fine as Go's own packages.
 */
export function planLayout(input: LayoutInput): Layout {
  const goMods = input.files.filter((f) => posix.basename(f) === 'go.mod' && !isSkippedRoot(posix.dirname(f)));
  const moduleRoots = new Set(goMods.map((f) => posix.dirname(f)));
  const roles: Role[] = [];
  const claimed = new Set<string>();

  for (const [root, type] of [...input.workers].sort(([a], [b]) => a.localeCompare(b))) {
    const ownModule = moduleRoots.has(root);
    const moduleRoot = type === 'go' ? nearestModule(root, moduleRoots) : undefined;
    roles.push({ kind: 'worker', root, type, ownModule, ...(moduleRoot !== undefined ? { moduleRoot } : {}) });
    claimed.add(root);
  }
  for (const m of input.mains) {
    if (claimed.has(m.root)) continue;
    const ownModule = moduleRoots.has(m.root);
    const moduleRoot = nearestModule(m.root, moduleRoots);
    roles.push({ kind: 'main', root: m.root, mainDir: m.mainDir, ownModule, server: m.server, ...(moduleRoot !== undefined ? { moduleRoot } : {}) });
    claimed.add(m.root);
  }

  const enclosing = new Set<string>();
  for (const r of roles) {
    if ((r.kind === 'worker' || r.kind === 'main') && !r.ownModule && r.moduleRoot !== undefined) enclosing.add(r.moduleRoot);
  }
  const goDirs = new Set(input.files.filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).map((f) => posix.dirname(f)));
  for (const root of [...enclosing].sort()) roles.push({ kind: 'module', root, hasPackage: goDirs.has(root) });

  const claimedRoots = [...claimed];
  const packages = new Set<string>();
  for (const file of input.files) {
    if (!file.endsWith('.go') || file.endsWith('_test.go')) continue;
    const dir = posix.dirname(file);
    if (isSkippedRoot(dir) || dir.split('/').includes('testdata')) continue;
    const moduleRoot = nearestModule(dir, moduleRoots);
    if (moduleRoot === undefined || !enclosing.has(moduleRoot) || dir === moduleRoot) continue;
    if (claimedRoots.some((root) => within(dir, root))) continue;
    packages.add(dir);
  }
  for (const root of [...packages].sort()) {
    roles.push({ kind: 'package', root, moduleRoot: nearestModule(root, moduleRoots)! });
  }

  const handled = new Set(roles.filter((r) => r.kind === 'module' || ((r.kind === 'worker' || r.kind === 'main') && r.ownModule)).map((r) => r.root));
  return { roles, plainGoMods: goMods.filter((f) => !handled.has(posix.dirname(f))) };
}

/** `pkg/config/php` -> `pkg-config-php`: a package project's name, from its directory inside the module. */
export function packageProjectName(root: string, moduleRoot: string): string {
  const rel = moduleRoot === '.' ? root : root.slice(moduleRoot.length + 1);
  return rel.split('/').join('-');
}

const pluginVersion: string = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
const pluginSalt = `${pluginVersion}:${codeFingerprint(join(__dirname, '..'))}`;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function modulePath(goModText: string | null): string | undefined {
  return goModText === null ? undefined : /^\s*module\s+"?([^\s"]+)"?/m.exec(goModText)?.[1];
}

/** The Go package name a file declares, from its `package` clause. */
export function packageClause(source: string): string | undefined {
  return /^package\s+([\p{L}_][\p{L}\p{N}_]*)/mu.exec(source)?.[1];
}

const list = (v: string | string[] | undefined): string[] => ([] as string[]).concat(v ?? []);

const enabledTags: Record<Enabled, string[]> = { always: [], development: ['tqserver:development'], never: ['tqserver:disabled'] };

/** TQServer builds a disabled worker never and a development-only one for development only. */
const RELEASE_TARGET = /^(build-prod|cross-compile)$/;
function allowedByEnabled(target: string, enabled: Enabled): boolean {
  // A disabled worker is never started by TQServer, so it is not served either.
  if (enabled === 'never') return !(target === 'build' || target === 'serve' || RELEASE_TARGET.test(target));
  if (enabled === 'development') return !RELEASE_TARGET.test(target);
  return true;
}

/**
 * Targets of a Go project inside a larger module: no tidy or vendor (go.mod is the module's), and
 * the test and vet descriptions say where those went, so `nx show project` tells the reader.
 */
function inModuleTargets(targets: Record<string, TargetConfiguration>, moduleProject: string): Record<string, TargetConfiguration> {
  const { tidy: _tidy, vendor: _vendor, ...rest } = targets;
  for (const name of ['test', 'vet']) {
    const t = rest[name];
    if (t?.metadata) {
      rest[name] = { ...t, metadata: { ...t.metadata, description: `${t.metadata.description} (tidy and vendor: project ${moduleProject}, which owns go.mod)` } };
    }
  }
  return rest;
}

/**
 * Targets of the projects that make up an enclosing module. Each package is tested and vetted on
 * its own (`go test .`), with its own files and those of the packages it imports as inputs, so a
 * change tests exactly the packages it can break; the module keeps tidy and vendor, and tests the
 * package at its root when there is one.
 */
function modulePackageTargets(root: string, ctx: ModuleContext, own: 'module' | 'package' | 'none'): Record<string, TargetConfiguration> {
  const { test, vet, tidy, vendor } = moduleTargets(root, ctx);
  const onlyThis = (t: TargetConfiguration, what: string): TargetConfiguration => ({
    ...t,
    options: { ...t.options, packages: '.' },
    metadata: { ...t.metadata, description: `${what} of the package in ${root} only: go ${what === 'Tests' ? 'test' : 'vet'} .` },
  });
  const perPackage: Record<string, TargetConfiguration> = own === 'none' ? {} : { test: onlyThis(test, 'Tests'), vet: onlyThis(vet, 'Vet') };
  return own === 'package' ? perPackage : { ...perPackage, tidy, vendor };
}

/** Finds TQServer's server and the `mains` option's directories, with their main package directory. */
function findMains(files: readonly string[], opts: LayoutPluginOptions, workspaceRoot: string): LayoutInput['mains'] {
  const goFilesIn = (dir: string) => files.filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && posix.dirname(f) === dir);
  const isMain = (dir: string) => {
    const first = goFilesIn(dir)[0];
    return first !== undefined && packageClause(readTextIfExists(join(workspaceRoot, first)) ?? '') === 'main';
  };
  const mains: Array<{ root: string; mainDir: string; server: boolean }> = [];
  if (isMain(`${SERVER_ROOT}/src`)) mains.push({ root: SERVER_ROOT, mainDir: 'src', server: true });
  const extra = list(opts.mains);
  // Loaded only for this option: every nx command starts the plugin, and fast-glob costs ~20 ms to load.
  const glob = () => (require('fast-glob') as typeof import('fast-glob')).sync;
  const roots = extra.length ? glob()(extra, { cwd: workspaceRoot, onlyDirectories: true, ignore: ['**/node_modules/**'] }).sort() : [];
  for (const raw of roots) {
    const root = posix.normalize(raw).replace(/\/+$/, '');
    if (mains.some((m) => m.root === root)) continue;
    const mainDir = goFilesIn(`${root}/src`).length ? 'src' : '.';
    if (isMain(posix.join(root, mainDir))) mains.push({ root, mainDir, server: false });
  }
  return mains;
}

export async function createLayoutNodes(
  files: readonly string[],
  options: LayoutPluginOptions | undefined,
  context: CreateNodesContext,
): Promise<Array<readonly [string, CreateNodesResult]>> {
  const opts = options ?? {};
  const { workspaceRoot } = context;
  const shared = readSharedInputs(workspaceRoot, opts.serverConfig ?? SERVER_CONFIG_FILE, context.nxJsonConfiguration);
  const { serverFile, serverText } = shared;
  const patterns = opts.workers !== undefined ? list(opts.workers) : [`${workersDirectory(serverFile, serverText) ?? 'workers'}/*`];

  const workerFiles = filesUnder(files, patterns, WORKER_YAML_FILE);
  const workerYamls = new Map<string, { file: string; text: string; type: WorkerType; enabled: Enabled; error?: string }>();
  for (const file of workerFiles.sort()) {
    const root = posix.dirname(posix.dirname(file));
    const text = readTextIfExists(join(workspaceRoot, file)) ?? '';
    try {
      const parsed = parseWorkerYaml(file, text);
      workerYamls.set(root, { file, text, type: parsed.type, enabled: parsed.enabled });
    } catch (e) {
      // A broken type or enabled: the worker is still a Go project whose build reports the error.
      workerYamls.set(root, { file, text, type: 'go', enabled: 'always', error: message(e) });
    }
  }

  const layout = planLayout({
    files,
    workers: new Map([...workerYamls].map(([root, w]) => [root, w.type])),
    mains: findMains(files, opts, workspaceRoot),
  });

  const seed = await createGoNodes(layout.plainGoMods, { ...opts, workers: patterns }, context, shared);
  const ours = layoutProjects(layout, workerYamls, opts, shared, workspaceRoot);

  const names = new Map<string, string>();
  for (const [, result] of [...seed, ...ours]) {
    for (const [root, project] of Object.entries(result.projects ?? {})) {
      const name = project.name ?? root;
      const clash = names.get(name);
      if (clash !== undefined) {
        throw new Error(
          `@tqserver/nx-go: ${clash} and ${root} would both be the project "${name}". ` +
            `Set the plugin option "workerPrefix" or "libraryPrefix" in nx.json, or rename one directory.`,
        );
      }
      names.set(name, root);
    }
  }
  return [...seed, ...ours];
}

function layoutProjects(
  layout: Layout,
  workerYamls: ReadonlyMap<string, { file: string; text: string; type: WorkerType; enabled: Enabled; error?: string }>,
  opts: LayoutPluginOptions,
  shared: SharedInputs,
  workspaceRoot: string,
): Array<readonly [string, CreateNodesResult]> {
  if (layout.roles.length === 0) return [];
  const { serverFile, serverText, server, serverError, pluginPackage, digestScript, goEnvScript, cacheDirs } = shared;
  const ctx = (disk: DiskScope): ModuleContext => ({ pluginPackage, pluginIdentity, disk, digestScript, serverConfig: serverFile });
  const memo = InferenceMemo.open<ProjectConfiguration>(workspaceRoot, pluginSalt, 'tqserver-nx-go-layout');

  const goModText = new Map<string, string | null>();
  const goModOf = (root: string) => {
    if (!goModText.has(root)) goModText.set(root, readTextIfExists(join(workspaceRoot, root, 'go.mod')));
    return goModText.get(root)!;
  };
  const moduleName = (root: string) => {
    const base = root === '.' ? basename(modulePath(goModOf(root)) ?? basename(workspaceRoot)) : basename(root);
    return (opts.libraryPrefix ?? '') + base;
  };
  const namedInputs = (disk: DiskScope, sources: string[], testSources = testSourceInputs()) => ({
    [SOURCES_INPUT]: sources,
    [TEST_SOURCES_INPUT]: testSources,
    ...contextNamedInputs({ pluginPackage, pluginIdentity, disk, digestScript }),
  });
  /** What a project's Go commands read beyond what Nx sees: its enclosing module counts, gitignored or not. */
  // Every directory with a go.mod: a module nested inside another is never read by the outer one's builds.
  const goModDirs = [...layout.roles.filter((r) => r.kind === 'module').map((r) => r.root), ...layout.plainGoMods.map((f) => posix.dirname(f))];
  const nestedIn = (outer: string) => goModDirs.filter((d) => d !== outer && (outer === '.' || d.startsWith(`${outer}/`)));
  const scopeOf = (root: string, moduleRoot: string | undefined, rest?: Pick<DiskScope, 'settings' | 'flagFiles'>): DiskScope => {
    const scope: DiskScope =
      moduleRoot === undefined || moduleRoot === root
        ? { root, ...replacedModules(root, goModOf(root) ?? ''), flagFiles: [], ...rest }
        : inModuleScope(root, moduleRoot, goModOf(moduleRoot) ?? '', rest);
    const nested = nestedIn(moduleRoot ?? root);
    return { ...scope, cacheDirs, ...(nested.length ? { nestedModules: nested } : {}) };
  };

  /** A Go worker or main package: the seed's targets, trimmed by `enabled` and by where go.mod is. */
  const goProject = (
    role: Extract<Role, { kind: 'worker' | 'main' }>,
    name: string,
    base: Omit<ProjectConfiguration, 'targets' | 'namedInputs'>,
    enabled: Enabled,
    yamlError: string | undefined,
    binary: string | undefined,
  ): ProjectConfiguration => {
    const texts = readBuildConfigTexts(workspaceRoot, role.root);
    const facts = readWorkerFacts(workspaceRoot, role.root);
    const moduleProject = role.moduleRoot !== undefined ? moduleName(role.moduleRoot) : undefined;
    const moduleGoMod = role.moduleRoot !== undefined ? goModOf(role.moduleRoot) : null;
    const key = { role, name, base, enabled, yamlError, binary, texts, facts, serverText, serverFile, pluginPackage, digestScript, moduleProject, moduleGoMod, goModDirs, cacheDirs };
    return memo.get(key, () => {
      const finish = (targets: Record<string, TargetConfiguration>, sources: string[], disk: DiskScope, extraInputs = {}, testSources = testSourceInputs()): ProjectConfiguration => {
        let t = Object.fromEntries(Object.entries(targets).filter(([target]) => allowedByEnabled(target, enabled)));
        // TQServer's server is served as its docs start it (see planServe); other main packages are not served.
        if (role.kind === 'main' && role.server && t.serve) t.serve = { ...t.serve, options: { ...t.serve.options, server: true } };
        else if (role.kind === 'main') delete t.serve;
        if (!role.ownModule && moduleProject !== undefined) t = inModuleTargets(t, moduleProject);
        return { ...base, namedInputs: { ...namedInputs(disk, sources, testSources), ...extraInputs }, targets: t };
      };
      const bare = scopeOf(role.root, role.moduleRoot);
      try {
        if (yamlError !== undefined) throw new Error(yamlError);
        if (role.moduleRoot === undefined) {
          throw new Error(`${role.root}: no go.mod in it or in any directory above it; TQServer builds it with go build ./src inside a Go module`);
        }
        if (serverError !== undefined) throw new Error(serverError);
        const settings = parseBuildSettings(texts, server!);
        const facts2 = role.kind === 'main' ? { ...facts, hasSrc: role.mainDir === 'src' } : facts;
        const worker = makeWorker(name, role.root, settings, server!, facts2, binary);
        const yaml = texts.workerYaml.text !== null;
        const sources = yaml ? workerYamlSourceInputs(settings) : sourceInputs(settings);
        const testSources = yaml ? workerYamlTestInputs(settings) : testSourceInputs(settings);
        const disk = scopeOf(role.root, role.moduleRoot, { settings, flagFiles: flagFiles(role.root, settings) });
        return finish(workerTargets(worker, { ...ctx(disk), vendored: facts.vendored, dockerfile: facts.dockerfile }), sources, disk, jobNamedInputs(worker), testSources);
      } catch (e) {
        return finish(brokenWorkerTargets(role.root, message(e), ctx(bare)), sourceInputs(), bare);
      }
    });
  };

  const byModule = new Map<string, Record<string, ProjectConfiguration>>();
  const results: Array<readonly [string, CreateNodesResult]> = [];
  /** With `module`, the project is reported under that module's go.mod; otherwise under `file`, its own. */
  const add = (file: string, root: string, inferred: ProjectConfiguration, module?: string) => {
    const project = withRuntimeNamedInputs(inferred, goEnvScript);
    if (module === undefined) {
      results.push([file, { projects: { [root]: project } }] as const);
      return;
    }
    const group = byModule.get(module) ?? {};
    group[root] = project;
    byModule.set(module, group);
  };

  for (const role of layout.roles) {
    switch (role.kind) {
      case 'module': {
        const name = moduleName(role.root);
        const project: ProjectConfiguration = {
          root: role.root,
          name,
          projectType: 'library',
          tags: ['go', 'go:library', 'go:module'],
          metadata: { technologies: ['go'], description: `Go module ${modulePath(goModOf(role.root)) ?? ''}: go.mod, go.sum, vendor/ and module-wide tests` },
          namedInputs: namedInputs(scopeOf(role.root, role.root), moduleSourceInputs(), moduleTestInputs()),
          targets: modulePackageTargets(role.root, ctx(scopeOf(role.root, role.root)), role.hasPackage ? 'module' : 'none'),
        };
        add(posix.join(role.root, 'go.mod'), role.root, project, role.root);
        break;
      }
      case 'package': {
        const importPath = `${modulePath(goModOf(role.moduleRoot)) ?? ''}/${role.moduleRoot === '.' ? role.root : role.root.slice(role.moduleRoot.length + 1)}`;
        const project: ProjectConfiguration = {
          root: role.root,
          name: (opts.libraryPrefix ?? '') + packageProjectName(role.root, role.moduleRoot),
          projectType: 'library',
          tags: ['go', 'go:package'],
          metadata: { technologies: ['go'], description: `Go package ${importPath}: its files are the build input of every project that imports it` },
          namedInputs: namedInputs(scopeOf(role.root, role.moduleRoot), sourceInputs()),
          targets: modulePackageTargets(role.root, ctx(scopeOf(role.root, role.moduleRoot)), 'package'),
        };
        add(posix.join(role.moduleRoot, 'go.mod'), role.root, project, role.moduleRoot);
        break;
      }
      case 'worker': {
        const w = workerYamls.get(role.root)!;
        const name = (opts.workerPrefix ?? '') + basename(role.root);
        const tags = ['tqserver:worker', `tqserver:${role.type}`, ...enabledTags[w.enabled]];
        if (role.type !== 'go') {
          // TQServer runs bun and php workers itself; they are projects so that the graph shows every worker.
          add(w.file, role.root, {
            root: role.root,
            name,
            projectType: 'application',
            tags,
            metadata: { technologies: [role.type], description: `TQServer ${role.type} worker: no Go targets` },
            targets: {},
          });
          break;
        }
        const base = { root: role.root, name, projectType: 'application' as const, tags: ['go', 'go:worker', ...tags], metadata: { technologies: ['go'], [DEP_NAME]: name } };
        add(w.file, role.root, goProject(role, name, base, w.enabled, w.error, undefined));
        break;
      }
      case 'main': {
        const name = (opts.workerPrefix ?? '') + basename(role.root);
        // TQServer's build script names the server binary after the module: server/bin/tqserver.
        const binary = role.server && role.moduleRoot !== undefined ? basename(modulePath(goModOf(role.moduleRoot)) ?? name) : undefined;
        const tags = ['go', 'go:main', ...(role.server ? ['tqserver:server'] : [])];
        const base = { root: role.root, name, projectType: 'application' as const, tags, metadata: { technologies: ['go'], [DEP_NAME]: name } };
        const project = goProject(role, name, base, 'always', undefined, binary !== undefined && binary !== name ? binary : undefined);
        add(posix.join(role.root, 'go.mod'), role.root, project, role.ownModule ? undefined : role.moduleRoot);
        break;
      }
    }
  }
  memo.saveSoon();
  for (const [moduleRoot, projects] of byModule) results.push([posix.join(moduleRoot, 'go.mod'), { projects }] as const);
  return results;
}
