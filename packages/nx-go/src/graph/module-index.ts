// Resolves a Go import path to the workspace project that provides it (longest module path on a '/' boundary).

/** Module path -> project name. */
export type ModuleTable = ReadonlyMap<string, string>;

export interface ModuleMatch {
  readonly modulePath: string;
  readonly project: string;
}

/**
 * Tables are ordered by precedence, but precedence only settles ties between
 * identical module paths: Go picks the module with the longest matching path
 * first and only then applies replacements, so a longer path in a
 * low-precedence table still beats a shorter one in a high-precedence table.
 * Walking the import path's own '/' prefixes from longest to shortest gives
 * both properties with one map lookup per path element.
 */
export function findModuleForImport(importPath: string, tables: readonly ModuleTable[]): ModuleMatch | undefined {
  let candidate = importPath;
  while (candidate.length > 0) {
    for (const table of tables) {
      const project = table.get(candidate);
      if (project !== undefined) {
        return { modulePath: candidate, project };
      }
    }
    const slash = candidate.lastIndexOf('/');
    if (slash <= 0) {
      return undefined;
    }
    candidate = candidate.slice(0, slash);
  }
  return undefined;
}

/**
 * Builds a table where, for a module path claimed by several projects, the
 * lexicographically smallest project name wins so the graph does not depend
 * on the order projects were discovered in.
 */
export function buildModuleTable(entries: Iterable<readonly [modulePath: string, project: string]>): Map<string, string> {
  const table = new Map<string, string>();
  for (const [modulePath, project] of entries) {
    const existing = table.get(modulePath);
    if (existing === undefined || project < existing) {
      table.set(modulePath, project);
    }
  }
  return table;
}
