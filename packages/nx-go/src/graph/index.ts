// Turns Go imports between workspace modules into Nx project-graph edges for the plugin's createDependencies.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
// Types only: loading @nx/devkit at run time costs the plugin worker hundreds of milliseconds for two enum strings.
import type { DependencyType } from '@nx/devkit';
import type { CreateDependenciesContext, FileData, RawProjectGraphDependency } from '@nx/devkit';
import { parseGoImports } from './go-imports';
import { findModuleForImport } from './module-index';
import { moduleEdges } from './packages';
import { loadWorkspaceModules, normalizeProjectRoot, type GoProject } from './workspace-modules';

export interface GoDependency {
  readonly source: string;
  readonly target: string;
  /** Workspace-relative path of the file whose import creates the edge. */
  readonly sourceFile: string;
  /** True when every import behind this edge is in a `_test.go` file. */
  readonly testOnly: boolean;
}

interface CachedImports {
  readonly hash: string;
  readonly paths: readonly string[];
}

// Keyed by workspace-relative file, validated by Nx's file hash: when a go.mod
// change forces a rescan of every Go file, unchanged files cost no disk read.
const importsByFile = new Map<string, CachedImports>();

/**
 * One edge per (source file, target project). Nx stores edges on the file
 * that declared them and, on incremental runs, reuses the stored edges of
 * every file not in `filesToProcess`; collapsing to one file per project pair
 * would leave the other importing files with no stored edge, and the edge
 * would vanish as soon as the chosen file was edited.
 */
export function createGoDependencies(context: CreateDependenciesContext): RawProjectGraphDependency[] {
  const modules = loadWorkspaceModules(context.workspaceRoot, context.projects);
  const imports: RawProjectGraphDependency[] = scanGoFileDependencies(context, modules).map(({ source, target, sourceFile }) => ({
    source,
    target,
    sourceFile,
    type: 'static' as DependencyType.static,
  }));
  // Not file-level, so Nx keeps no copy between runs: they are returned on every call.
  return imports.concat(moduleEdges(modules.inModule));
}

/** One entry per (source file, target project); `testOnly` says whether that file is a `_test.go` file. */
export function scanGoFileDependencies(
  context: CreateDependenciesContext,
  modules = loadWorkspaceModules(context.workspaceRoot, context.projects),
): GoDependency[] {
  const rescanAll = moduleLayoutChanged(context, modules.projects);
  const filesByProject = rescanAll ? context.fileMap.projectFileMap : context.filesToProcess.projectFileMap;
  const scanned = new Set<string>();

  const found: GoDependency[] = [];
  for (const [projectName, files] of Object.entries(filesByProject)) {
    const project = modules.projects.get(projectName);
    // Without its own module path a project's imports of itself are unrecognisable.
    if (project?.modulePath === undefined) {
      continue;
    }
    const tables = modules.tablesFor(projectName);
    for (const fileData of files) {
      if (!isCompiledGoFile(project, fileData.file)) {
        continue;
      }
      scanned.add(fileData.file);
      const targets = new Set<string>();
      for (const importPath of readImportPaths(context.workspaceRoot, fileData)) {
        const match = findModuleForImport(importPath, tables);
        if (match !== undefined && match.project !== projectName) {
          targets.add(match.project);
        }
      }
      const testOnly = fileData.file.endsWith('_test.go');
      for (const target of targets) {
        found.push({ source: projectName, target, sourceFile: fileData.file, testOnly });
      }
    }
  }
  if (rescanAll) {
    // A full pass saw every live Go file, so anything else was deleted or moved.
    for (const file of importsByFile.keys()) {
      if (!scanned.has(file)) {
        importsByFile.delete(file);
      }
    }
  }
  return sortDependencies(found);
}

/**
 * Nx only re-sends files whose content changed, but an import's owner depends
 * on every go.mod and go.work. When one of those is among the changed files
 * (which includes a newly added Go project) every Go file is resolved again,
 * otherwise edges made possible by a new module or replace would not appear
 * until each importing file happened to be edited.
 */
function moduleLayoutChanged(context: CreateDependenciesContext, goProjects: ReadonlyMap<string, GoProject>): boolean {
  const roots = new Set(Object.values(context.projects).map((p) => normalizeProjectRoot(p.root)));
  for (const project of goProjects.values()) {
    roots.add(project.root);
  }
  const isLayoutFile = (file: string): boolean => {
    const base = path.posix.basename(file);
    if (base === 'go.work') {
      return path.posix.dirname(file) === '.';
    }
    return base === 'go.mod' && roots.has(normalizeProjectRoot(path.posix.dirname(file)));
  };
  const changed = context.filesToProcess;
  return (
    changed.nonProjectFiles.some((f) => isLayoutFile(f.file)) ||
    Object.values(changed.projectFileMap).some((files) => files.some((f) => isLayoutFile(f.file)))
  );
}

/**
 * `vendor/` holds other modules' code and `testdata/` is never compiled, so
 * their imports say nothing about what this project builds against.
 */
function isCompiledGoFile(project: GoProject, file: string): boolean {
  if (!file.endsWith('.go')) {
    return false;
  }
  const relative = project.root === '.' ? file : file.startsWith(`${project.root}/`) ? file.slice(project.root.length + 1) : file;
  const dirs = relative.split('/').slice(0, -1);
  return !dirs.some((dir) => dir === 'vendor' || dir === 'testdata');
}

function readImportPaths(workspaceRoot: string, fileData: FileData): readonly string[] {
  const cached = importsByFile.get(fileData.file);
  if (cached !== undefined && fileData.hash !== '' && cached.hash === fileData.hash) {
    return cached.paths;
  }
  let text: string;
  try {
    text = readFileSync(path.join(workspaceRoot, fileData.file), 'utf8');
  } catch {
    // Deleted or unreadable between hashing and now: Nx will send it again if it comes back.
    importsByFile.delete(fileData.file);
    return [];
  }
  const paths = parseGoImports(text).map((spec) => spec.path);
  if (fileData.hash !== '') {
    importsByFile.set(fileData.file, { hash: fileData.hash, paths });
  }
  return paths;
}

function sortDependencies(deps: GoDependency[]): GoDependency[] {
  return deps.sort(
    (a, b) =>
      compare(a.source, b.source) || compare(a.target, b.target) || compare(a.sourceFile, b.sourceFile),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
