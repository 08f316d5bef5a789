// Specifies the Go project-graph edges end to end, against small workspaces written to a temp directory.

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DependencyType, validateDependency } from '@nx/devkit';
import type { CreateDependenciesContext, FileData, ProjectConfiguration } from '@nx/devkit';
import { createGoDependencies, scanGoFileDependencies, type GoDependency } from './index';

/**
 * A lens for these tests: one entry per (source, target) project pair, summarising the scanned files:
 * `sourceFile` is the smallest non-test file when one exists, so the edge is
 * reported against production code whenever production code needs it.
 */
function scanGoDependencies(context: CreateDependenciesContext): GoDependency[] {
  const byPair = new Map<string, { source: string; target: string; prodFile?: string; testFile?: string }>();
  for (const dep of scanGoFileDependencies(context)) {
    const key = `${dep.source}\0${dep.target}`;
    const pair = byPair.get(key) ?? { source: dep.source, target: dep.target };
    if (dep.testOnly) {
      pair.testFile = pair.testFile === undefined || dep.sourceFile < pair.testFile ? dep.sourceFile : pair.testFile;
    } else {
      pair.prodFile = pair.prodFile === undefined || dep.sourceFile < pair.prodFile ? dep.sourceFile : pair.prodFile;
    }
    byPair.set(key, pair);
  }
  // scanGoFileDependencies is sorted by source, target, file, so the pairs come out in that order too.
  return [...byPair.values()].map(({ source, target, prodFile, testFile }) => ({
    source,
    target,
    sourceFile: (prodFile ?? testFile) as string,
    testOnly: prodFile === undefined,
  }));
}


interface Workspace {
  readonly root: string;
  write(file: string, text: string): void;
  /** Changes the file on disk but not the hash Nx reports, to observe what is read from disk. */
  overwriteKeepingHash(file: string, text: string): void;
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
  const reportedText = new Map<string, string>();
  const write = (file: string, text: string): void => {
    reportedText.delete(file);
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
    overwriteKeepingHash(file: string, text: string): void {
      reportedText.set(file, contents.get(file) ?? '');
      writeFileSync(path.join(root, file), text);
    },
    context(changed?: readonly string[]): CreateDependenciesContext {
      const all = { projectFileMap: {} as Record<string, FileData[]>, nonProjectFiles: [] as FileData[] };
      const toProcess = { projectFileMap: {} as Record<string, FileData[]>, nonProjectFiles: [] as FileData[] };
      for (const name of Object.keys(projects)) {
        all.projectFileMap[name] = [];
      }
      for (const [file, text] of [...contents.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const data: FileData = { file, hash: createHash('sha1').update(reportedText.get(file) ?? text).digest('hex') };
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
  it('reuses imports of files whose Nx hash is unchanged when a go.mod change forces a full rescan', () => {
    const ws = acmeWorkspace();
    const first = scanGoFileDependencies(ws.context());
    ws.overwriteKeepingHash('libs/sharedx/x.go', goFile(['example.com/acme/testkit']));
    expect(scanGoFileDependencies(ws.context(['libs/testkit/go.mod']))).toEqual(first);
    // Once Nx reports the new hash, the file is read again.
    ws.write('libs/sharedx/x.go', goFile(['example.com/acme/testkit']));
    expect(scanGoFileDependencies(ws.context(['libs/sharedx/x.go']))).toEqual([
      { source: 'sharedx', target: 'testkit', sourceFile: 'libs/sharedx/x.go', testOnly: false },
    ]);
  });

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
    for (const dep of deps) {
      expect(dep.type).toBe(DependencyType.static);
      expect(() => validateDependency(dep, context)).not.toThrow();
    }
    expect(deps.map((d) => `${d.source}:${'sourceFile' in d ? d.sourceFile : '?'}->${d.target}`)).toEqual([
      'api:workers/api/a_test.go->shared',
      'api:workers/api/main.go->shared',
      'api:workers/api/zz_legacy.go->shared',
      'api:workers/api/a_test.go->sharedx',
      'api:workers/api/x_test.go->testkit',
      'sharedx:libs/sharedx/x.go->shared',
    ]);
  });

  it('is empty for a workspace without Go projects', () => {
    const ws = workspace({ web: 'apps/web' }, { 'apps/web/package.json': '{}', 'apps/web/main.go': goFile(['fmt']) });
    expect(createGoDependencies(ws.context())).toEqual([]);
  });
});

describe('module discovery', () => {
  it('handles a root module alongside nested module projects, with longest module path winning', () => {
    const ws = workspace(
      { root: '.', shared: 'libs/shared', 'shared-v2': 'libs/shared/v2' },
      {
        'go.mod': 'module example.com/acme\n',
        'cmd/tool/main.go': goFile(['example.com/acme/internal/x', 'example.com/acme/libs/shared/v2/log']),
        'libs/shared/go.mod': 'module example.com/acme/libs/shared\n',
        'libs/shared/s.go': goFile(['example.com/acme/libs/sharedx', 'example.com/acme/internal/x']),
        'libs/shared/v2/go.mod': 'module example.com/acme/libs/shared/v2\n',
        'libs/shared/v2/s.go': goFile(['example.com/acme/libs/shared/util']),
      },
    );
    expect(scanGoDependencies(ws.context()).map((d) => `${d.sourceFile}->${d.target}`)).toEqual([
      'cmd/tool/main.go->shared-v2',
      // sharedx is not a module: the '/' boundary sends it to the root module, not to libs/shared.
      'libs/shared/s.go->root',
      'libs/shared/v2/s.go->shared',
    ]);
  });

  it('skips a project whose go.mod is broken, warns once with file and line, and keeps the rest', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const ws = workspace(
      { api: 'workers/api', shared: 'libs/shared', broken: 'libs/broken' },
      {
        'workers/api/go.mod': 'module example.com/acme/workers/api\nreplace example.com/acme/shared => ../../libs/shared\n',
        'workers/api/main.go': goFile(['example.com/acme/shared', 'example.com/acme/broken']),
        'libs/shared/go.mod': 'module example.com/acme/shared\n',
        'libs/broken/go.mod': 'module example.com/acme/broken\nreplace (\n  example.com/x => ../x\n',
        'libs/broken/b.go': goFile(['example.com/acme/shared']),
      },
    );
    const expected = [{ source: 'api', target: 'shared', sourceFile: 'workers/api/main.go', testOnly: false }];
    expect(scanGoDependencies(ws.context())).toEqual(expected);
    expect(scanGoDependencies(ws.context())).toEqual(expected);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('libs/broken/go.mod:2');
  });

  it('maps go.work use and replace entries, and go.work use settles modules claimed twice', () => {
    const ws = workspace(
      { api: 'workers/api', old: 'libs/shared-old', current: 'libs/shared', fork: 'forks/remote' },
      {
        'go.work': 'go 1.22\r\n\r\nuse (\r\n\t./workers/api\r\n\t./libs/shared // current copy\r\n)\r\nreplace example.com/remote => ./forks/remote\r\n',
        'workers/api/go.mod': 'module example.com/acme/workers/api\n',
        'workers/api/main.go': goFile(['example.com/acme/shared', 'example.com/remote/pkg']),
        // Both claim the same module path; without go.work the smaller name ("current") would win anyway,
        // so the old copy gets the smaller name to prove go.work decides.
        'libs/shared-old/go.mod': 'module example.com/acme/shared\n',
        'libs/shared/go.mod': 'module example.com/acme/shared\n',
        'forks/remote/go.mod': 'module example.com/fork/remote\n',
      },
    );
    expect(scanGoDependencies(ws.context()).map((d) => d.target)).toEqual(['current', 'fork']);
  });

  it('prefers the importing module\'s own replace over other claims to the same module path', () => {
    const ws = workspace(
      { api: 'workers/api', web: 'workers/web', shared: 'libs/shared', fork: 'libs/shared-fork' },
      {
        'workers/api/go.mod': 'module example.com/acme/workers/api\nreplace example.com/acme/shared => ../../libs/shared-fork\n',
        'workers/api/main.go': goFile(['example.com/acme/shared']),
        'workers/web/go.mod': 'module example.com/acme/workers/web\n',
        'workers/web/main.go': goFile(['example.com/acme/shared']),
        'libs/shared/go.mod': 'module example.com/acme/shared\n',
        'libs/shared-fork/go.mod': 'module example.com/acme/shared-fork\n',
      },
    );
    expect(scanGoDependencies(ws.context()).map((d) => `${d.source}->${d.target}`)).toEqual(['api->fork', 'web->shared']);
  });

  it.each([
    ['absolute path inside the workspace', (root: string) => `${root}/libs/shared`, 'shared'],
    ['directory inside a project but not its root', () => '../../libs/shared/nested', 'shared'],
    ['directory outside the workspace', () => '../../../elsewhere/shared', undefined],
    ['directory that is no project', () => '../../nowhere', undefined],
  ])('resolves a replace to the %s', (_label, target, expected) => {
    const ws = workspace({ api: 'workers/api', shared: 'libs/shared' }, { 'libs/shared/go.mod': 'module example.com/acme/lib\n' });
    ws.write('workers/api/go.mod', `module example.com/acme/workers/api\nreplace example.com/other => ${target(ws.root)}\n`);
    ws.write('workers/api/main.go', goFile(['example.com/other/pkg']));
    expect(scanGoDependencies(ws.context())[0]?.target).toBe(expected);
  });
});
