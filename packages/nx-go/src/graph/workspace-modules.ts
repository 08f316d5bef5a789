// Works out which Nx projects are Go modules and which module paths each one provides, from go.mod and go.work on disk.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ProjectConfiguration } from '@nx/devkit';
import { isLocalReplacementPath, parseGoMod, parseGoWork, type GoModFile, type GoReplace, type GoWorkFile } from './go-mod';
import { buildModuleTable, type ModuleTable } from './module-index';
import { inModuleProjects, type InModuleProject } from './packages';

export interface GoProject {
  readonly name: string;
  /** Workspace-relative, '/'-separated, '.' for the workspace root. */
  readonly root: string;
  /** Undefined when go.mod could not be parsed; such projects take no part in the graph. */
  readonly modulePath?: string;
}

export interface WorkspaceModules {
  readonly projects: ReadonlyMap<string, GoProject>;
  /** Lookup tables for imports written inside `project`, highest precedence first. */
  tablesFor(project: string): readonly ModuleTable[];
  /** Go projects inside another project's module (TQServer's layout), each with its directory's import path. */
  readonly inModule: readonly InModuleProject[];
}

interface LocalReplace {
  readonly from: string;
  readonly project: string;
}

// The daemon calls createDependencies on every file change; go.mod files rarely
// change, so parsing is keyed by content and survives across calls. createNodes
// parses the same files first (replacedModules), in the same plugin worker.
const MAX_CACHED_PARSES = 10_000;
const goModParses = new Map<string, GoModFile>();
const goWorkParses = new Map<string, GoWorkFile>();
const reportedProblems = new Set<string>();

export function normalizeProjectRoot(root: string): string {
  const posix = path.posix.normalize(root.replace(/\\/g, '/'));
  const trimmed = posix.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '.' : trimmed;
}

export function loadWorkspaceModules(
  workspaceRoot: string,
  projects: Readonly<Record<string, ProjectConfiguration>>,
): WorkspaceModules {
  const goProjects = new Map<string, GoProject>();
  const projectByRoot = new Map<string, string>();
  const replacesByProject = new Map<string, LocalReplace[]>();

  const parsedMods: Array<{ name: string; root: string; parsed: GoModFile }> = [];
  for (const name of Object.keys(projects).sort()) {
    const root = normalizeProjectRoot(projects[name].root);
    const goModFile = root === '.' ? 'go.mod' : `${root}/go.mod`;
    const text = readTextIfPresent(path.join(workspaceRoot, goModFile));
    if (text === undefined) {
      continue;
    }
    const key = contentKey(text);
    const parsed = cachedParse(goModParses, key, text, parseGoMod);
    if (parsed.errors.length > 0 || parsed.module === undefined) {
      reportProblem(goModFile, key, parsed.errors[0]?.line ?? 1, parsed.errors[0]?.message ?? 'no module directive');
      goProjects.set(name, { name, root });
      continue;
    }
    goProjects.set(name, { name, root, modulePath: parsed.module });
    if (!projectByRoot.has(root)) {
      projectByRoot.set(root, name);
    }
    parsedMods.push({ name, root, parsed });
  }

  const inModule = inModuleProjects(projects, [...goProjects.values()]);
  const moduleOf = new Map(inModule.map((p) => [p.name, p.moduleProject]));
  for (const p of inModule) {
    goProjects.set(p.name, { name: p.name, root: p.root, modulePath: p.modulePath });
  }

  const usable = [...goProjects.values()].filter((p) => p.modulePath !== undefined);
  const ownerOfDir = (dir: string): string | undefined => projectByRoot.get(dir) ?? deepestContainingProject(dir, usable);

  for (const { name, root, parsed } of parsedMods) {
    replacesByProject.set(name, localReplaces(parsed.replaces, root, workspaceRoot, ownerOfDir));
  }

  const workTables = readGoWorkTables(workspaceRoot, goProjects, projectByRoot, ownerOfDir);
  const moduleLines = buildModuleTable(usable.map((p) => [p.modulePath as string, p.name] as const));
  const anyReplace = buildModuleTable(
    [...replacesByProject.values()].flatMap((replaces) => replaces.map((r) => [r.from, r.project] as const)),
  );

  return {
    projects: goProjects,
    inModule,
    tablesFor(project: string): readonly ModuleTable[] {
      const self = goProjects.get(project);
      const selfTable: ModuleTable = new Map(self?.modulePath !== undefined ? [[self.modulePath, project]] : []);
      // A package inside a module is built with that module's go.mod, so its replaces apply.
      const replaces = replacesByProject.get(project) ?? replacesByProject.get(moduleOf.get(project) ?? '') ?? [];
      const ownReplaces = buildModuleTable(replaces.map((r) => [r.from, r.project] as const));
      // Own module first so a project's imports of its own packages are never
      // attributed elsewhere; then what cmd/go would consult for this module
      // (go.work, then this go.mod's replaces); then every other local module
      // as an over-approximation, which is the safe direction for cache hashing.
      return [selfTable, workTables.replaces, workTables.uses, ownReplaces, moduleLines, anyReplace];
    },
  };
}

function readGoWorkTables(
  workspaceRoot: string,
  goProjects: ReadonlyMap<string, GoProject>,
  projectByRoot: ReadonlyMap<string, string>,
  ownerOfDir: (dir: string) => string | undefined,
): { uses: ModuleTable; replaces: ModuleTable } {
  const empty = { uses: new Map<string, string>(), replaces: new Map<string, string>() };
  const text = readTextIfPresent(path.join(workspaceRoot, 'go.work'));
  if (text === undefined) {
    return empty;
  }
  const key = contentKey(text);
  const parsed = cachedParse(goWorkParses, key, text, parseGoWork);
  if (parsed.errors.length > 0) {
    reportProblem('go.work', key, parsed.errors[0].line, parsed.errors[0].message);
    return empty;
  }
  const uses = buildModuleTable(
    parsed.uses.flatMap((dir) => {
      const resolved = resolveWorkspaceDir(workspaceRoot, '.', dir);
      const project = resolved === undefined ? undefined : projectByRoot.get(resolved);
      const modulePath = project === undefined ? undefined : goProjects.get(project)?.modulePath;
      return project !== undefined && modulePath !== undefined ? [[modulePath, project] as const] : [];
    }),
  );
  const replaces = buildModuleTable(
    localReplaces(parsed.replaces, '.', workspaceRoot, ownerOfDir).map((r) => [r.from, r.project] as const),
  );
  return { uses, replaces };
}

function localReplaces(
  replaces: readonly GoReplace[],
  baseDir: string,
  workspaceRoot: string,
  ownerOfDir: (dir: string) => string | undefined,
): LocalReplace[] {
  const result: LocalReplace[] = [];
  for (const replace of replaces) {
    if (!isLocalReplacementPath(replace.to)) {
      continue;
    }
    const dir = resolveWorkspaceDir(workspaceRoot, baseDir, replace.to);
    const project = dir === undefined ? undefined : ownerOfDir(dir);
    if (project !== undefined) {
      result.push({ from: replace.from, project });
    }
  }
  return result;
}

/**
 * A replacement directory that is not itself a project root still lives
 * inside some project's file set, and that project is what changes when the
 * directory changes, so it is the right edge target.
 */
function deepestContainingProject(dir: string, candidates: readonly GoProject[]): string | undefined {
  let best: GoProject | undefined;
  for (const candidate of candidates) {
    const contains = candidate.root === '.' || dir.startsWith(`${candidate.root}/`);
    if (!contains) {
      continue;
    }
    const deeper = best === undefined || candidate.root.length > best.root.length;
    const tieBreak = best !== undefined && candidate.root.length === best.root.length && candidate.name < best.name;
    if (deeper || tieBreak) {
      best = candidate;
    }
  }
  return best?.name;
}

/** Returns a normalized workspace-relative directory, or undefined when it points outside the workspace. */
export function resolveWorkspaceDir(workspaceRoot: string, baseDir: string, target: string): string | undefined {
  const slashed = target.replace(/\\/g, '/');
  const joined = path.isAbsolute(target)
    ? path.relative(workspaceRoot, target).split(path.sep).join('/')
    : path.posix.join(baseDir, slashed);
  if (path.isAbsolute(joined)) {
    return undefined;
  }
  const normalized = normalizeProjectRoot(joined);
  return normalized === '..' || normalized.startsWith('../') ? undefined : normalized;
}

function readTextIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** parseGoMod, keyed by content: the same go.mod text is parsed once per process. */
export function parseGoModCached(text: string): GoModFile {
  return cachedParse(goModParses, contentKey(text), text, parseGoMod);
}

function contentKey(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function cachedParse<T>(cache: Map<string, T>, key: string, text: string, parse: (text: string) => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) {
    return hit;
  }
  if (cache.size >= MAX_CACHED_PARSES) {
    cache.clear();
  }
  const parsed = parse(text);
  cache.set(key, parsed);
  return parsed;
}

/** One line per broken file version: the daemon would otherwise repeat it on every file change. */
function reportProblem(file: string, textKey: string, line: number, message: string): void {
  const key = `${file}\0${textKey}`;
  if (reportedProblems.has(key)) {
    return;
  }
  if (reportedProblems.size >= MAX_CACHED_PARSES) {
    reportedProblems.clear();
  }
  reportedProblems.add(key);
  console.warn(`[nx-go] ignoring ${file}:${line}: ${message}`);
}
