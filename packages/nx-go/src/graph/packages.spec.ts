// Specifies the graph of TQServer's layout: package-level edges inside one module, and each project's edge to the module.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DependencyType, validateDependency } from '@nx/devkit';
import type { CreateDependenciesContext, FileData, ProjectConfiguration } from '@nx/devkit';
import { createGoDependencies } from './index';
import { inModuleProjects } from './packages';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** Projects as `name -> [root, tags]`; files are owned by the deepest project root, as in Nx. */
function context(projects: Record<string, [string, string[]]>, files: Record<string, string>): CreateDependenciesContext {
  const root = mkdtempSync(path.join(tmpdir(), 'nx-go-packages-'));
  roots.push(root);
  const projectFileMap: Record<string, FileData[]> = Object.fromEntries(Object.keys(projects).map((n) => [n, []]));
  const nonProjectFiles: FileData[] = [];
  for (const [file, text] of Object.entries(files).sort()) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
    const owner = Object.entries(projects)
      .filter(([, [r]]) => r === '.' || file.startsWith(`${r}/`))
      .sort(([, [a]], [, [b]]) => b.length - a.length)[0]?.[0];
    const data = { file, hash: createHash('sha1').update(text).digest('hex') };
    if (owner) projectFileMap[owner].push(data);
    else nonProjectFiles.push(data);
  }
  const configs: Record<string, ProjectConfiguration> = Object.fromEntries(
    Object.entries(projects).map(([name, [r, tags]]) => [name, { name, root: r, tags }]),
  );
  const fileMap = { projectFileMap, nonProjectFiles };
  return { workspaceRoot: root, projects: configs, externalNodes: {}, nxJsonConfiguration: {}, fileMap, filesToProcess: fileMap };
}

const MOD = 'github.com/acme/tqserver';
const go = (pkg: string, imports: string[]) => `package ${pkg}\n\nimport (\n${imports.map((i) => `\t"${i}"`).join('\n')}\n)\n`;

const PROJECTS: Record<string, [string, string[]]> = {
  tqserver: ['.', ['go', 'go:module']],
  hello: ['workers/hello', ['go', 'go:worker']],
  server: ['server', ['go', 'go:main']],
  'pkg-worker': ['pkg/worker', ['go', 'go:package']],
  'pkg-phpfpm': ['pkg/phpfpm', ['go', 'go:package']],
  'pkg-fastcgi': ['pkg/fastcgi', ['go', 'go:package']],
  'pkg-sharedx': ['pkg/sharedx', ['go', 'go:package']],
  web: ['workers/web', ['tqserver:bun']],
};

const FILES: Record<string, string> = {
  'go.mod': `module ${MOD}\n\ngo 1.22\n`,
  'workers/hello/src/main.go': go('main', ['fmt', `${MOD}/pkg/worker`]),
  'workers/hello/src/main_test.go': go('main', [`${MOD}/pkg/sharedx`]),
  'server/src/main.go': go('main', [`${MOD}/pkg/phpfpm`, `${MOD}/server/src/router`]),
  'server/src/router/router.go': go('router', []),
  'pkg/worker/worker.go': go('worker', ['net/http']),
  'pkg/phpfpm/phpfpm.go': go('phpfpm', [`${MOD}/pkg/fastcgi`]),
  'pkg/fastcgi/fastcgi.go': go('fastcgi', []),
  'pkg/sharedx/x.go': go('sharedx', []),
  'workers/web/index.ts': 'export {};\n',
};

describe('inModuleProjects', () => {
  it("gives every Go project inside the module its directory's import path, and skips other projects", () => {
    const ctx = context(PROJECTS, FILES);
    const found = inModuleProjects(ctx.projects, [{ name: 'tqserver', root: '.', modulePath: MOD }]);
    expect(found.map((p) => [p.name, p.modulePath, p.moduleProject])).toEqual([
      ['hello', `${MOD}/workers/hello`, 'tqserver'],
      ['pkg-fastcgi', `${MOD}/pkg/fastcgi`, 'tqserver'],
      ['pkg-phpfpm', `${MOD}/pkg/phpfpm`, 'tqserver'],
      ['pkg-sharedx', `${MOD}/pkg/sharedx`, 'tqserver'],
      ['pkg-worker', `${MOD}/pkg/worker`, 'tqserver'],
      ['server', `${MOD}/server`, 'tqserver'],
    ]);
  });

  it('picks the deepest enclosing module', () => {
    const found = inModuleProjects({ a: { root: 'backend/pkg/a', tags: ['go'] } }, [
      { name: 'root', root: '.', modulePath: 'example.com/root' },
      { name: 'backend', root: 'backend', modulePath: 'example.com/backend' },
    ]);
    expect(found).toEqual([{ name: 'a', root: 'backend/pkg/a', moduleProject: 'backend', modulePath: 'example.com/backend/pkg/a' }]);
  });
});

describe('createGoDependencies in one module', () => {
  const ctx = context(PROJECTS, FILES);
  const deps = createGoDependencies(ctx);
  const edges = (source: string) =>
    deps.filter((d) => d.source === source).map((d) => `${d.target}:${d.type}`).sort();

  it('adds an edge per imported package project, not one to the whole module', () => {
    expect(edges('hello')).toEqual(['pkg-sharedx:static', 'pkg-worker:static', 'tqserver:implicit']);
    expect(edges('pkg-phpfpm')).toEqual(['pkg-fastcgi:static', 'tqserver:implicit']);
    // server/src/router is inside the server project: no edge to itself.
    expect(edges('server')).toEqual(['pkg-phpfpm:static', 'tqserver:implicit']);
    expect(edges('pkg-worker')).toEqual(['tqserver:implicit']);
  });

  it('gives non-Go projects no edges, and the module none of its own', () => {
    expect(edges('web')).toEqual([]);
    expect(edges('tqserver')).toEqual([]);
  });

  it('names the importing file, and every edge passes Nx validation', () => {
    expect(deps.find((d) => d.source === 'hello' && d.target === 'pkg-worker')).toMatchObject({
      sourceFile: 'workers/hello/src/main.go',
      type: DependencyType.static,
    });
    for (const d of deps) expect(() => validateDependency(d, ctx)).not.toThrow();
  });
});
