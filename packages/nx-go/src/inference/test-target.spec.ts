// Specifies the inferred test target's outputs, interpolated by the installed Nx exactly as its cache does.

import type { ProjectGraphProjectNode } from '@nx/devkit';
import { getOutputsForTargetAndConfiguration } from 'nx/src/tasks-runner/utils';
import { libraryTargets } from './targets';

const ctx = {
  pluginPackage: '@tqserver/nx-go',
  pluginIdentity: '0.0.0:test',
  disk: { root: 'libs/shared', moduleRoots: [], outsideModules: [], flagFiles: [] },
  digestScript: 'node_modules/@tqserver/nx-go/src/plan/disk-digest.sh',
  serverConfig: 'config/server.yaml',
};

function node(): ProjectGraphProjectNode {
  return { name: 'shared', type: 'lib', data: { root: 'libs/shared', targets: libraryTargets('libs/shared', ctx) } };
}

describe('the test target', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a coverage profile is an output, so the cache restores it', { coverprofile: 'cover.out' }, ['libs/shared/cover.out']],
    ['in a subdirectory', { coverprofile: 'coverage/unit.out' }, ['libs/shared/coverage/unit.out']],
    ['no --coverprofile, no output', {}, []],
    ['an empty --coverprofile, no output', { coverprofile: '' }, []],
  ])('%s', (_label, overrides, expected) => {
    expect(getOutputsForTargetAndConfiguration({ project: 'shared', target: 'test' }, overrides, node())).toEqual(expected);
  });
});
