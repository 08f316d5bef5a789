// Specifies how an import path is matched to a module: '/' boundaries, longest path, table precedence.

import { buildModuleTable, findModuleForImport } from './module-index';

const workspace = buildModuleTable([
  ['example.com/acme', 'root'],
  ['example.com/acme/shared', 'shared'],
  ['example.com/acme/sharedx', 'sharedx'],
  ['example.com/acme/shared/v2', 'shared-v2'],
  ['single', 'single-element'],
]);

describe('findModuleForImport', () => {
  it.each([
    ['example.com/acme/shared', 'shared'],
    ['example.com/acme/shared/log', 'shared'],
    ['example.com/acme/sharedx', 'sharedx'],
    ['example.com/acme/sharedx/log', 'sharedx'],
    ['example.com/acme/sharedy', 'root'],
    ['example.com/acme/shared/v2', 'shared-v2'],
    ['example.com/acme/shared/v2/log', 'shared-v2'],
    ['example.com/acme/shared/v20', 'shared'],
    ['example.com/acme/cmd/tool', 'root'],
    ['example.com/acme', 'root'],
    ['single/pkg', 'single-element'],
    ['single', 'single-element'],
  ])('%s belongs to %s', (importPath, project) => {
    expect(findModuleForImport(importPath, [workspace])?.project).toBe(project);
  });

  it.each([['example.com/acmex/shared'], ['example.com'], ['fmt'], ['singleton'], [''], ['/example.com/acme']])(
    '%s belongs to no local module',
    (importPath) => {
      expect(findModuleForImport(importPath, [workspace])).toBeUndefined();
    },
  );

  it('reports which module path matched', () => {
    expect(findModuleForImport('example.com/acme/shared/v2/log', [workspace])?.modulePath).toBe('example.com/acme/shared/v2');
  });

  it('lets an earlier table win only for the same module path', () => {
    const preferred = new Map([['example.com/acme', 'preferred']]);
    expect(findModuleForImport('example.com/acme/tool', [preferred, workspace])?.project).toBe('preferred');
    // A longer module path in a later table still wins over a shorter one in an earlier table.
    expect(findModuleForImport('example.com/acme/shared/x', [preferred, workspace])?.project).toBe('shared');
  });
});

describe('buildModuleTable', () => {
  it.each([
    [[['m', 'b'], ['m', 'a']]],
    [[['m', 'a'], ['m', 'b']]],
  ])('resolves duplicate claims to the smallest project name regardless of order (%j)', (entries) => {
    const table = buildModuleTable(entries as Array<[string, string]>);
    expect(table.get('m')).toBe('a');
  });
});
