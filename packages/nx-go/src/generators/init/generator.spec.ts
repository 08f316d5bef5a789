// The init generator against an in-memory tree: plugin registration and the server.yaml keys that map to nx.json.
import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { logger } from '@nx/devkit';
import initGenerator, { conflictingTargetDefaults } from './generator';

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

  it('warns about targetDefaults that replace the Go targets\' inputs, outputs or dependsOn, and changes nothing', async () => {
    const targetDefaults = {
      build: { inputs: ['production', '^production'], dependsOn: ['^build'], cache: true },
      test: { inputs: ['...', 'default'], cache: true },
      '@nx/js:tsc': { inputs: ['production'] },
      '@tqserver/nx-go:vet': { outputs: [] },
      'job-*': { dependsOn: [] },
      lint: { inputs: ['default'] },
      vendor: [{ filter: { plugin: '@nx/js' }, outputs: ['{projectRoot}/dist'] }],
      tidy: [{ filter: { executor: '@tqserver/nx-go:tidy' }, dependsOn: ['^tidy'] }],
    };
    updateNxJson(tree, { ...readNxJson(tree)!, targetDefaults });
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)!.targetDefaults).toEqual(targetDefaults);
    const lines = warn.mock.calls.map(([line]) => String(line));
    warn.mockRestore();
    expect(lines).toEqual(conflictingTargetDefaults({ targetDefaults }));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('nx.json targetDefaults["build"] sets inputs, dependsOn: Nx applies it to the Go targets it names too');
    expect(lines[0]).toContain('Start each list with "..." (Nx 23 and later)');
    expect(lines[1]).toContain('targetDefaults["@tqserver/nx-go:vet"] sets outputs');
    expect(lines[2]).toContain('targetDefaults["job-*"] sets dependsOn');
    // A dependsOn alone stops only the targets with build jobs.
    expect(lines[2]).toContain('so those of them that wait for build jobs will refuse to run');
    expect(lines[0]).toContain('so those targets will refuse to run');
    // A filtered entry for another plugin does not reach Go's vendor; one for the plugin's executor reaches tidy.
    expect(lines[3]).toContain('targetDefaults["tidy"] sets dependsOn');
  });
});
