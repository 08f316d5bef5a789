// The init generator against an in-memory tree: plugin registration and the server.yaml keys that map to nx.json.
import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import initGenerator from './generator';

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('registers the plugin and sets parallel to the seed default of max_parallel without server.yaml', async () => {
    await initGenerator(tree, { skipFormat: true });
    const nx = readNxJson(tree)!;
    expect(nx.plugins).toContain('@tqserver/nx-go');
    expect(nx.parallel).toBe(4);
    expect(nx.cacheDirectory).toBeUndefined();
  });

  it('maps max_parallel to parallel and cache.dir to cacheDirectory', async () => {
    tree.write('config/server.yaml', 'build:\n  defaults:\n    max_parallel: 2\n  cache:\n    dir: ".cache/build"\n');
    await initGenerator(tree, { skipFormat: true });
    const nx = readNxJson(tree)!;
    expect(nx.parallel).toBe(2);
    expect(nx.cacheDirectory).toBe('.cache/build');
  });

  it('replaces an earlier registration instead of adding a second, keeping other plugins', async () => {
    const nx = readNxJson(tree)!;
    updateNxJson(tree, { ...nx, plugins: ['@nx/js', { plugin: '@tqserver/nx-go', options: { workers: 'old/*' } }] });
    await initGenerator(tree, { workers: 'services/*', skipFormat: true });
    expect(readNxJson(tree)!.plugins).toEqual(['@nx/js', { plugin: '@tqserver/nx-go', options: { workers: 'services/*' } }]);
  });

  it('refuses an invalid server.yaml with its file:line:col error', async () => {
    tree.write('config/server.yaml', 'build:\n  defaults:\n    max_parallel: lots\n');
    await expect(initGenerator(tree, { skipFormat: true })).rejects.toThrow('config/server.yaml:3:19: build.defaults.max_parallel');
  });
});
