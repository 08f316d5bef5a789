// Specifies the Go project-graph edges end to end, against small workspaces written to a temp directory.

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DependencyType, validateDependency } from '@nx/devkit';
import type { CreateDependenciesContext, FileData, ProjectConfiguration } from '@nx/devkit';
import { createGoDependencies, scanGoDependencies, scanGoFileDependencies } from './index';

interface Workspace {
  readonly root: string;
  write(file: string, text: string): void;
  /** `changed` limits filesToProcess, the way the daemon does after an edit; default is a full build. */
  context(changed?: readonly string[]): CreateDependenciesContext;
}

const created: string[] = [];

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(() => {
  for (const dir of created) {
    rmSync(dir, { recursive: true, force: true });
  }
});

function workspace(projects: Record<string, string>, files: Record<string, string>): Workspace {
  const root = mkdtempSync(path.join(tmpdir(), 'nx-go-graph-'));
  created.push(root);
  const contents = new Map<string, string>();
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
    contents.set(file, text);
  };
  for (const [file, text] of Object.entries(files)) {
    write(file, text);
  }
  const projectConfigs: Record<string, ProjectConfiguration> = Object.fromEntries(
    Object.entries(projects).map(([name, projectRoot]) => [name, { name, root: projectRoot }]),
  );
  // Same ownership rule as Nx: a file belongs to the project with the longest root containing it.
  const ownerOf = (file: string): string | undefined => {
    let best: [string, string] | undefined;
    for (const [name, projectRoot] of Object.entries(projects)) {
      const contains = projectRoot === '.' || file.startsWith(`${projectRoot}/`);
      if (contains && (best === undefined || projectRoot.length > best[1].length)) {
        best = [name, projectRoot];
      }
    }
    return best?.[0];
  };
  return {
    root,
    write,
    context(changed?: readonly string[]): CreateDependenciesContext {
      const all = { projectFileMap: {} as Record<string, FileData[]>, nonProjectFiles: [] as FileData[] };
      const toProcess = { projectFileMap: {} as Record<string, FileData[]>, nonProjectFiles: [] as FileData[] };
      for (const name of Object.keys(projects)) {
        all.projectFileMap[name] = [];
      }
      for (const [file, text] of [...contents.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const data: FileData = { file, hash: createHash('sha1').update(text).digest('hex') };
        const owner = ownerOf(file);
        const isChanged = changed === undefined || changed.includes(file);
        if (owner === undefined) {
          all.nonProjectFiles.push(data);
          if (isChanged) toProcess.nonProjectFiles.push({ ...data });
        } else {
          all.projectFileMap[owner].push(data);
          if (isChanged) (toProcess.projectFileMap[owner] ??= []).push({ ...data });
        }
      }
      return {
        workspaceRoot: root,
        projects: projectConfigs,
        externalNodes: {},
        nxJsonConfiguration: {},
        fileMap: all,
        filesToProcess: toProcess,
      };
    },
  };
}

const goFile = (imports: string[], body = 'func F() {}\n'): string =>
  `package p\n\nimport (\n${imports.map((i) => `\t"${i}"`).join('\n')}\n)\n\n${body}`;

/** The layout from the plugin brief: a worker that reaches libs/shared through a replace directive. */
function acmeWorkspace(): Workspace {
  return workspace(
    {
      api: 'workers/api',
      shared: 'libs/shared',
      sharedx: 'libs/sharedx',
      testkit: 'libs/testkit',
      docs: 'docs',
    },
    {
      'workers/api/go.mod': [
        'module example.com/acme/workers/api',
        '',
        'go 1.22',
        '',
        'require example.com/acme/shared v0.0.0',
        '',
        'replace example.com/acme/shared => ../../libs/shared',
        'replace example.com/legacy/shared v1.0.0 => ../../libs/shared',
        'replace example.com/acme/remote => example.com/fork/remote v1.2.3',
        '',
      ].join('\n'),
      'workers/api/main.go': goFile(['fmt', 'example.com/acme/shared/log', 'example.com/acme/workers/api/internal/db']),
      'workers/api/zz_legacy.go': goFile(['example.com/legacy/shared/util']),
      'workers/api/internal/db/db.go': goFile(['example.com/acme/workers/api/internal/config']),
      'workers/api/x_test.go': goFile(['testing', 'example.com/acme/testkit']),
      'workers/api/a_test.go': goFile(['example.com/acme/sharedx', 'example.com/acme/shared']),
      'workers/api/commented.go': [
        'package api',
        '',
        '// import "example.com/acme/testkit"',
        '/*',
        'import "example.com/acme/sharedx"',
        '*/',
        'import "strings"',
        '',
        'var s = "import \\"example.com/acme/testkit\\""',
        'var r = `',
        'import "example.com/acme/sharedx"',
        '`',
        '',
      ].join('\n'),
      'workers/api/vendor/example.com/acme/sharedx/x.go': goFile(['example.com/acme/testkit']),
      'workers/api/testdata/fixture.go': goFile(['example.com/acme/testkit']),
      'workers/api/README.md': 'import "example.com/acme/testkit"\n',
      'libs/shared/go.mod': 'module example.com/acme/shared\n\ngo 1.22\n',
      'libs/shared/log/log.go': goFile(['example.com/acme/shared/internal/fmt']),
      'libs/sharedx/go.mod': 'module example.com/acme/sharedx\r\n\r\ngo 1.22\r\n',
      'libs/sharedx/x.go': goFile(['example.com/acme/shared']),
      'libs/testkit/go.mod': 'module example.com/acme/testkit\n',
      'libs/testkit/kit.go': goFile(['testing']),
      'docs/main.go': goFile(['example.com/acme/shared']),
    },
  );
}

describe('scanGoDependencies', () => {
  it('finds one edge per project pair, preferring non-test source files', () => {
    const ws = acmeWorkspace();
    expect(scanGoDependencies(ws.context())).toEqual([
      { source: 'api', target: 'shared', sourceFile: 'workers/api/main.go', testOnly: false },
      { source: 'api', target: 'sharedx', sourceFile: 'workers/api/a_test.go', testOnly: true },
      { source: 'api', target: 'testkit', sourceFile: 'workers/api/x_test.go', testOnly: true },
      { source: 'sharedx', target: 'shared', sourceFile: 'libs/sharedx/x.go', testOnly: false },
    ]);
  });

  it('only scans filesToProcess when no go.mod or go.work changed', () => {
    const ws = acmeWorkspace();
    expect(scanGoDependencies(ws.context(['workers/api/x_test.go']))).toEqual([
      { source: 'api', target: 'testkit', sourceFile: 'workers/api/x_test.go', testOnly: true },
    ]);
  });

  it('rescans every Go file when a project go.mod changed, since resolution of unchanged files depends on it', () => {
    const ws = acmeWorkspace();
    const deps = scanGoDependencies(ws.context(['libs/testkit/go.mod']));
    expect(deps.map((d) => `${d.source}->${d.target}`)).toEqual([
      'api->shared',
      'api->sharedx',
      'api->testkit',
      'sharedx->shared',
    ]);
  });

  it('does not rescan for a go.mod that is not at a project root', () => {
    const ws = acmeWorkspace();
    ws.write('workers/api/tools/go.mod', 'module example.com/acme/tools\n');
    expect(scanGoDependencies(ws.context(['workers/api/tools/go.mod']))).toEqual([]);
  });

  it('sees go.mod edits on disk between calls despite caching', () => {
    const ws = acmeWorkspace();
    expect(scanGoDependencies(ws.context(['workers/api/zz_legacy.go']))).toHaveLength(1);
    ws.write('workers/api/go.mod', 'module example.com/acme/workers/api\n');
    expect(scanGoDependencies(ws.context(['workers/api/zz_legacy.go']))).toEqual([]);
    ws.write('workers/api/go.mod', 'module example.com/acme/workers/api\nreplace example.com/legacy/shared => ../../libs/testkit\n');
    expect(scanGoDependencies(ws.context(['workers/api/zz_legacy.go']))).toEqual([
      { source: 'api', target: 'testkit', sourceFile: 'workers/api/zz_legacy.go', testOnly: false },
    ]);
  });
});

describe('scanGoFileDependencies', () => {
  it('reports each importing file, so Nx can store the edge on every one of them', () => {
    const ws = acmeWorkspace();
    const edges = scanGoFileDependencies(ws.context()).filter((d) => d.source === 'api' && d.target === 'shared');
    expect(edges).toEqual([
      { source: 'api', target: 'shared', sourceFile: 'workers/api/a_test.go', testOnly: true },
      { source: 'api', target: 'shared', sourceFile: 'workers/api/main.go', testOnly: false },
      // Reached through a replace whose module path differs from libs/shared's own module line.
      { source: 'api', target: 'shared', sourceFile: 'workers/api/zz_legacy.go', testOnly: false },
    ]);
  });

  it('ignores vendor/, testdata/, non-Go files, comments, strings, self imports and non-Go projects', () => {
    const ws = acmeWorkspace();
    const files = new Set(scanGoFileDependencies(ws.context()).map((d) => d.sourceFile));
    expect([...files].sort()).toEqual([
      'libs/sharedx/x.go',
      'workers/api/a_test.go',
      'workers/api/main.go',
      'workers/api/x_test.go',
      'workers/api/zz_legacy.go',
    ]);
  });
});

describe('createGoDependencies', () => {
  it('returns static edges that Nx accepts, one per importing file and target', () => {
    const ws = acmeWorkspace();
    const context = ws.context();
    const deps = createGoDependencies(context);
    expect(deps).toHaveLength(7);
    for (const dep of deps) {
      expect(dep.type).toBe(DependencyType.static);
      expect(() => validateDependency(dep, context)).not.toThrow();
    }
    expect(deps.map((d) => ('sourceFile' in d ? `${d.sourceFile}->${d.target}` : ''))).toEqual([
      'workers/api/a_test.go->shared',
      'workers/api/main.go->shared',
      'workers/api/zz_legacy.go->shared',
      'workers/api/a_test.go->sharedx',
      'workers/api/x_test.go->testkit',
      'libs/sharedx/x.go->shared',
    ].sort((a, b) => 0 * a.length * b.length).length === 6 ? [
      'workers/api/a_test.go->shared',
      'workers/api/main.go->shared',
      'workers/api/zz_legacy.go->shared',
      'workers/api/a_test.go->sharedx',
      'workers/api/x_test.go->testkit',
      'libs/sharedx/x.go->shared',
    ] : []);
  });
});
