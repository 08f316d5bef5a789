// createNodes: every go.mod becomes a project; those under the `workers` globs are workers, the rest libraries.
import type { CreateNodesContext, CreateNodesResult, ProjectConfiguration } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { Minimatch } from 'minimatch';
import { parseServerSettings, parseWorkerSettings, readWorkerFacts, SERVER_CONFIG_FILE, WORKER_CONFIG_FILE, type ServerSettings } from '../config/settings';
import { flagFiles, makeWorker } from '../plan/build';
import { digestScriptPath, replacedModules, workspaceCacheDirs, type DiskScope } from '../plan/disk-inputs';
import { contextNamedInputs, SOURCES_INPUT, sourceInputs, TEST_SOURCES_INPUT, testSourceInputs, GO_ENV_SCRIPT, type SourceSettings } from '../plan/inputs';
import { codeDigest, codeFingerprint, InferenceMemo } from './memo';
import { brokenWorkerTargets, libraryTargets, withRuntimeNamedInputs, workerTargets } from './targets';
import { jobNamedInputs } from './job-targets';
import { DEP_NAME } from '../plan/jobs';
import { readTextIfExists } from '../config/read-text';

export interface GoPluginOptions {
  /** Globs of worker directories, relative to the workspace root. Default `workers/*`. */
  workers?: string | string[];
  /** Workspace-relative path of the global build settings. Default `config/server.yaml`. */
  serverConfig?: string;
  /** Prepended to every worker's project name. */
  workerPrefix?: string;
  /** Prepended to every library's project name, e.g. `lib-` when a library and a worker share a name. */
  libraryPrefix?: string;
}

export const GO_MOD_GLOB = '**/go.mod';
export const PLUGIN_NAME = '@tqserver/nx-go';

/** Directories whose go.mod files are never projects: dependencies and fixtures anywhere... */
const SKIPPED_ANYWHERE = new Set(['node_modules', 'vendor', 'testdata', '.nx', '.jobs']);
/** ...and build outputs, which hold copies; a worker may still be called `dist`. */
const SKIPPED_ABOVE = new Set(['bin', 'dist']);

export function isSkippedRoot(root: string): boolean {
  const segments = root.split('/');
  return segments.some((s, i) => SKIPPED_ANYWHERE.has(s) || (SKIPPED_ABOVE.has(s) && i < segments.length - 1));
}

const pluginVersion: string = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
/** The plugin's own code is part of every memo key: an edited plugin must not reuse old inference. */
const pluginSalt = `${pluginVersion}:${codeFingerprint(join(__dirname, '..'))}`;
/** Part of every task's hash: the same code gives the same identity on every machine. */
export const pluginIdentity = `${pluginVersion}:${codeDigest(join(__dirname, '..'))}`;

/**
 * The files among `files` (which Nx's glob found) that sit at `name` under a directory matching one of
 * `dirPatterns`, as fast-glob would find them, without walking the disk again. As for fast-glob, a
 * pattern starting with `!` excludes (`["workers/*", "!workers/legacy"]`).
 */
export function filesUnder(files: readonly string[], dirPatterns: readonly string[], name: string): string[] {
  const matcher = (p: string) => new Minimatch(`${p.replace(/^\.\/+/, '').replace(/\/+$/, '')}/${name}`);
  const include = dirPatterns.filter((p) => !p.startsWith('!')).map(matcher);
  const exclude = dirPatterns.filter((p) => p.startsWith('!')).map((p) => matcher(p.slice(1)));
  return files.filter((f) => !f.split('/').includes('node_modules') && include.some((m) => m.match(f)) && !exclude.some((m) => m.match(f)));
}

function moduleBaseName(goModText: string, fallback: string): string {
  const m = /^\s*module\s+"?([^\s"]+)"?/m.exec(goModText);
  return m ? basename(m[1]) : fallback;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What inference reads once per run, whichever layout asks for it. */
export interface SharedInputs {
  serverFile: string;
  serverText: string | null;
  /** server.yaml's settings, or why they cannot be read (every worker's build then reports it). */
  server?: ServerSettings;
  serverError?: string;
  /** npm name under which the plugin is installed, for externalDependencies; null when loaded from source. */
  pluginPackage: string | null;
  /** How runtime inputs name disk-digest.sh and go-env.sh (digestScriptPath). */
  digestScript: string;
  goEnvScript: string;
  /** Nx's cache directory when it lies inside the workspace. */
  cacheDirs: string[];
}

export function readSharedInputs(workspaceRoot: string, serverFile: string, nxJson: CreateNodesContext['nxJsonConfiguration']): SharedInputs {
  const serverText = readTextIfExists(join(workspaceRoot, serverFile));
  let parsed: Pick<SharedInputs, 'server' | 'serverError'>;
  try {
    parsed = { server: parseServerSettings(serverFile, serverText) };
  } catch (e) {
    parsed = { serverError: message(e) };
  }
  return {
    serverFile,
    serverText,
    ...parsed,
    pluginPackage: existsSync(join(workspaceRoot, 'node_modules', PLUGIN_NAME, 'package.json')) ? PLUGIN_NAME : null,
    digestScript: digestScriptPath(workspaceRoot),
    goEnvScript: digestScriptPath(workspaceRoot, GO_ENV_SCRIPT),
    cacheDirs: workspaceCacheDirs(workspaceRoot, nxJson?.cacheDirectory),
  };
}

export async function createGoNodes(
  goModFiles: readonly string[],
  options: GoPluginOptions | undefined,
  context: CreateNodesContext,
  shared = readSharedInputs(context.workspaceRoot, options?.serverConfig ?? SERVER_CONFIG_FILE, context.nxJsonConfiguration),
): Promise<Array<readonly [string, CreateNodesResult]>> {
  const opts = options ?? {};
  const { workspaceRoot } = context;
  const { serverFile, serverText, server, serverError, pluginPackage, digestScript, goEnvScript, cacheDirs } = shared;
  const patterns = ([] as string[]).concat(opts.workers ?? 'workers/*');
  const workerGoMods = new Set(filesUnder(goModFiles, patterns, 'go.mod'));

  const memo = InferenceMemo.open<ProjectConfiguration>(workspaceRoot, pluginSalt);
  const names = new Map<string, string>();
  const results: Array<readonly [string, CreateNodesResult]> = [];

  for (const file of goModFiles) {
    const root = posix.dirname(file);
    if (isSkippedRoot(root)) continue;
    const isWorker = workerGoMods.has(file);
    const goModText = readTextIfExists(join(workspaceRoot, file)) ?? '';
    const dirName = root === '.' ? moduleBaseName(goModText, basename(workspaceRoot)) : basename(root);
    const name = (isWorker ? opts.workerPrefix ?? '' : opts.libraryPrefix ?? '') + dirName;

    const clash = names.get(name);
    if (clash !== undefined) {
      throw new Error(
        `@tqserver/nx-go: ${clash}/go.mod and ${root}/go.mod would both be the project "${name}". ` +
          `Set the plugin option "workerPrefix" or "libraryPrefix" in nx.json, or rename one directory.`,
      );
    }
    names.set(name, root);

    const configText = isWorker ? readTextIfExists(join(workspaceRoot, root, WORKER_CONFIG_FILE)) : null;
    const facts = isWorker ? readWorkerFacts(workspaceRoot, root) : null;
    const key = { isWorker, name, root, goModText, configText, serverText, serverFile, facts, pluginPackage, cacheDirs, digestScript };

    const infer = (): ProjectConfiguration => {
      const base = {
        root,
        name,
        projectType: isWorker ? ('application' as const) : ('library' as const),
        tags: ['go', isWorker ? 'go:worker' : 'go:library'],
        metadata: { technologies: ['go'], ...(isWorker ? { [DEP_NAME]: name } : {}) },
      };
      const modules = replacedModules(root, goModText);
      const scope = (settings?: SourceSettings, files: string[] = []): DiskScope => ({ root, ...modules, settings, flagFiles: files, cacheDirs });
      const namedInputs = (disk: DiskScope) => ({
        [SOURCES_INPUT]: sourceInputs(disk.settings),
        [TEST_SOURCES_INPUT]: testSourceInputs(disk.settings),
        ...contextNamedInputs({ pluginPackage, pluginIdentity, disk, digestScript }),
      });
      if (!isWorker) {
        const disk = scope();
        return {
          ...base,
          namedInputs: namedInputs(disk),
          targets: libraryTargets(root, { pluginPackage, pluginIdentity, disk, digestScript, serverConfig: serverFile }),
        };
      }
      try {
        if (serverError !== undefined) throw new Error(serverError);
        const settings = parseWorkerSettings(posix.join(root, WORKER_CONFIG_FILE), configText, server!);
        const worker = makeWorker(name, root, settings, server!, facts!);
        const disk = scope(settings, flagFiles(root, settings));
        return {
          ...base,
          namedInputs: { ...namedInputs(disk), ...jobNamedInputs(worker) },
          targets: workerTargets(worker, { pluginPackage, pluginIdentity, disk, digestScript, vendored: facts!.vendored, dockerfile: facts!.dockerfile, serverConfig: serverFile }),
        };
      } catch (e) {
        const disk = scope();
        return {
          ...base,
          namedInputs: namedInputs(disk),
          targets: brokenWorkerTargets(root, message(e), { pluginPackage, pluginIdentity, disk, digestScript, serverConfig: serverFile }),
        };
      }
    };
    const project = memo.get(key, () => withRuntimeNamedInputs(infer(), goEnvScript));
    results.push([file, { projects: { [root]: project } }] as const);
  }
  memo.saveSoon();
  return results;
}
