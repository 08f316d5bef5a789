// Go projects without a go.mod of their own (TQServer's workers, server and packages): their import paths and their edge to the module.
import type { DependencyType, ProjectConfiguration, RawProjectGraphDependency } from '@nx/devkit';
import { normalizeProjectRoot } from './workspace-modules';

export interface InModuleProject {
  readonly name: string;
  readonly root: string;
  /** The project that owns the enclosing go.mod. */
  readonly moduleProject: string;
  /** The import path of the project's directory: the module path plus the directory inside the module. */
  readonly modulePath: string;
}

/**
 * Each Go project of this plugin that sits inside another project's module, with the import path
 * of its directory. Go resolves `<module>/pkg/worker` to the directory `pkg/worker`, and Nx gives
 * that directory's files to the deepest project root, so the longest matching import-path prefix
 * names exactly the project whose files the import compiles.
 */
export function inModuleProjects(
  projects: Readonly<Record<string, ProjectConfiguration>>,
  modules: ReadonlyArray<{ readonly name: string; readonly root: string; readonly modulePath?: string }>,
): InModuleProject[] {
  const withModule = new Set(modules.map((m) => m.name));
  const found: InModuleProject[] = [];
  for (const name of Object.keys(projects).sort()) {
    if (withModule.has(name) || !(projects[name].tags ?? []).includes('go')) continue;
    const root = normalizeProjectRoot(projects[name].root);
    let best: { name: string; root: string; modulePath: string } | undefined;
    for (const m of modules) {
      if (m.modulePath === undefined || root === m.root) continue;
      const contains = m.root === '.' || root.startsWith(`${m.root}/`);
      if (contains && (best === undefined || m.root.length > best.root.length)) best = { name: m.name, root: m.root, modulePath: m.modulePath };
    }
    if (best === undefined) continue;
    const rel = best.root === '.' ? root : root.slice(best.root.length + 1);
    found.push({ name, root, moduleProject: best.name, modulePath: `${best.modulePath}/${rel}` });
  }
  return found;
}

/**
 * Every package of a module builds against its go.mod and go.sum, which the module's project owns:
 * an implicit edge carries them into each build hash through `^go-sources`, and makes a go.mod
 * change affect every project of the module.
 */
export function moduleEdges(inModule: readonly InModuleProject[]): RawProjectGraphDependency[] {
  return inModule.map((p) => ({ source: p.name, target: p.moduleProject, type: 'implicit' as DependencyType.implicit }));
}
