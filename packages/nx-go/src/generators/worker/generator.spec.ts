// The worker, library and init generators against an in-memory tree: both layouts, the defaults, and refusals that write nothing.
import { readNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parseWorkerSettings, parseServerSettings } from '../../config/settings';
import { parseWorkerYaml } from '../../config/worker-yaml';
import initGenerator from '../init/generator';
import libraryGenerator, { wireLibrary } from '../library/generator';
import workerGenerator from './generator';

const quiet = { skipFormat: true };

function tqserverTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('go.mod', 'module github.com/acme/tqserver\n\ngo 1.24\n\ntoolchain go1.24.3\n');
  tree.write('workers/hello/config/worker.yaml', 'path: /hello\ntype: go\n');
  tree.write('workers/hello/src/main.go', 'package main\n');
  return tree;
}

/** Every file the tree would write, as a sorted list. */
const changed = (tree: Tree) => tree.listChanges().map((c) => c.path).sort();

describe('worker generator', () => {
  it('module layout by default: go.mod at the workspace Go version, config.yaml with build: and its schema line, main + test', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('workers/auth/go.mod', 'module example.com/auth\n\ngo 1.22\n');
    await workerGenerator(tree, { name: 'hello', ...quiet });
    expect(tree.read('workers/hello/go.mod', 'utf-8')).toBe('module workers/hello\n\ngo 1.22\n');
    const config = tree.read('workers/hello/config.yaml', 'utf-8')!;
    expect(config.split('\n')[0]).toBe('# yaml-language-server: $schema=../../node_modules/@tqserver/nx-go/schemas/worker-config.json');
    expect(parseWorkerSettings('workers/hello/config.yaml', config, parseServerSettings(null, null)).timeoutMs).toBe(300_000);
    const main = tree.read('workers/hello/src/main.go', 'utf-8')!;
    for (const needle of ['"WORKER_PORT", "PORT"', '"/health"', 'syscall.SIGTERM', 'srv.Shutdown', 'Version   = "dev"', 'BuildTime = "unknown"', 'GitCommit = "unknown"', 'flag.Bool("version"']) {
      expect(main).toContain(needle);
    }
    expect(tree.exists('workers/hello/src/main_test.go')).toBe(true);
    expect(tree.exists('workers/hello/project.json')).toBe(false);
  });

  it('follows a TQServer workspace: a main package of the root module and config/worker.yaml', async () => {
    const tree = tqserverTree();
    await workerGenerator(tree, { name: 'api', path: '/v1/api', ...quiet });
    expect(tree.exists('workers/api/go.mod')).toBe(false);
    const yaml = tree.read('workers/api/config/worker.yaml', 'utf-8')!;
    expect(yaml).toContain('# yaml-language-server: $schema=../../../node_modules/@tqserver/nx-go/schemas/worker-yaml.json');
    expect(yaml).toContain('path: "/v1/api"');
    expect(parseWorkerYaml('w', yaml)).toEqual({ type: 'go', enabled: 'always', hasBuild: false });
    expect(tree.exists('workers/api/src/main.go')).toBe(true);
  });

  it('--layout=module in a TQServer workspace, --directory, --module and --tags', async () => {
    const tree = tqserverTree();
    await workerGenerator(tree, { name: 'svc', layout: 'module', directory: 'services', module: 'example.com/acme/svc', tags: 'team:a, go:edge', ...quiet });
    expect(tree.read('services/svc/go.mod', 'utf-8')).toBe('module example.com/acme/svc\n\ngo 1.24\n');
    expect(JSON.parse(tree.read('services/svc/project.json', 'utf-8')!)).toMatchObject({ name: 'svc', tags: ['team:a', 'go:edge'] });
  });

  it('takes the workers directory from server.yaml', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('config/server.yaml', 'workers:\n  directory: "apps"\n');
    await workerGenerator(tree, { name: 'hello', layout: 'module', ...quiet });
    expect(tree.exists('apps/hello/src/main.go')).toBe(true);
  });

  it.each([
    ['a bad name', { name: '1st' }, '"1st" is not a valid worker name'],
    ['a path as name', { name: 'a/b' }, 'is not a valid worker name'],
    ['a name inference skips', { name: 'vendor' }, 'treats vendor/ as an output or Go directory'],
    ['an existing directory', { name: 'hello' }, 'workers/hello already exists'],
    ['a directory outside', { name: 'x', directory: '../elsewhere' }, '--directory "../elsewhere" is not valid'],
    ['--module in TQServer layout', { name: 'x', module: 'a.b/c' }, '--module applies to the module layout'],
    ['a bad module path', { name: 'x', layout: 'module' as const, module: 'a b' }, 'is not a valid Go module path'],
    ['a path without /', { name: 'x', path: 'x' }, '--path "x" is not valid'],
    ['a bad layout', { name: 'x', layout: 'flat' as never }, '--layout "flat" is not valid'],
  ])('refuses %s and writes nothing', async (_, options, message) => {
    const tree = tqserverTree();
    const before = changed(tree);
    await expect(workerGenerator(tree, { ...options, ...quiet })).rejects.toThrow(message);
    expect(changed(tree)).toEqual(before);
  });

  it('refuses --layout=tqserver without a root go.mod', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await expect(workerGenerator(tree, { name: 'x', layout: 'tqserver', ...quiet })).rejects.toThrow('needs a go.mod at the workspace root');
  });
});

describe('library generator', () => {
  it('module layout: a module under libs/, wired into the named workers with require and replace', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('workers/api/go.mod', 'module example.com/api\n\ngo 1.22\n');
    tree.write('workers/auth/go.mod', 'module example.com/auth\n\ngo 1.22\n\nrequire example.com/shared v0.0.0\n');
    await libraryGenerator(tree, { name: 'shared', module: 'example.com/shared', workers: 'api,auth', ...quiet });
    expect(tree.read('libs/shared/go.mod', 'utf-8')).toBe('module example.com/shared\n\ngo 1.22\n');
    expect(tree.read('libs/shared/shared.go', 'utf-8')).toContain('package shared');
    expect(tree.read('workers/api/go.mod', 'utf-8')).toContain('require example.com/shared v0.0.0\n');
    expect(tree.read('workers/api/go.mod', 'utf-8')).toContain('replace example.com/shared => ../../libs/shared\n');
    // An existing require is kept, not doubled.
    expect(tree.read('workers/auth/go.mod', 'utf-8')!.match(/require example\.com\/shared/g)).toHaveLength(1);
  });

  it('TQServer layout: a package of the root module under pkg/', async () => {
    const tree = tqserverTree();
    await libraryGenerator(tree, { name: 'textfmt', ...quiet });
    expect(tree.exists('pkg/textfmt/textfmt.go')).toBe(true);
    expect(tree.exists('pkg/textfmt/go.mod')).toBe(false);
  });

  it.each([
    ['a name that is no Go identifier', { name: 'my-lib' }, 'is not a valid library name'],
    ['a Go keyword', { name: 'func' }, 'is not a valid library name'],
    ['an unknown worker', { name: 'shared', workers: 'api,nope' }, 'workers/nope/go.mod does not exist'],
  ])('refuses %s and writes nothing', async (_, options, message) => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('workers/api/go.mod', 'module example.com/api\n\ngo 1.22\n');
    const before = changed(tree);
    await expect(libraryGenerator(tree, { ...options, ...quiet })).rejects.toThrow(message);
    expect(changed(tree)).toEqual(before);
  });

  it('refuses --workers in the TQServer layout', async () => {
    await expect(libraryGenerator(tqserverTree(), { name: 'x', workers: 'hello', ...quiet })).rejects.toThrow('--workers applies to the module layout');
  });

  it('wireLibrary sees a require inside a block', () => {
    const goMod = 'module a\n\nrequire (\n\texample.com/shared v0.0.0\n)\n';
    expect(wireLibrary(goMod, 'example.com/shared', '../../libs/shared')).toBe(`${goMod}\n// Local library: Go applies only the main module's replace directives.\nreplace example.com/shared => ../../libs/shared\n`);
    expect(wireLibrary(goMod, 'example.com/sharedx', '../x')).toContain('require example.com/sharedx v0.0.0');
  });
});

describe('init generator and .gitignore', () => {
  it('adds the missing output lines once, keeping what is there', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.gitignore', 'node_modules\n/bin\n');
    tree.write('config/server.yaml', 'build:\n  cache:\n    dir: .cache/build\n');
    await initGenerator(tree, quiet);
    const once = tree.read('.gitignore', 'utf-8');
    expect(once).toBe('node_modules\n/bin\n\n# @tqserver/nx-go: build outputs and caches\ndist/\n.jobs/\n.cache/build/\n');
    await initGenerator(tree, quiet);
    expect(tree.read('.gitignore', 'utf-8')).toBe(once);
    expect(readNxJson(tree)!.plugins).toEqual(['@tqserver/nx-go']);
  });

  it('writes a .gitignore with Nx\'s cache dir when there is none', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.delete('.gitignore');
    await initGenerator(tree, quiet);
    expect(tree.read('.gitignore', 'utf-8')).toBe('# @tqserver/nx-go: build outputs and caches\nbin/\ndist/\n.jobs/\n.nx/cache/\n');
  });
});
