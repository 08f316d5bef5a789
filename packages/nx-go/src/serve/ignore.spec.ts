// Specifies which changed paths never trigger a reload.
import { isIgnoredPath } from './ignore';

const outputs = ['workers/api/bin', 'workers/api/dist', 'libs/shared/bin'];

describe('isIgnoredPath', () => {
  it.each([
    'workers/api/.git/index',
    '.git/HEAD',
    'libs/shared/.hg/store/x',
    'workers/api/node_modules/x/index.js',
    '.nx/workspace-data/file-map.json',
    'workers/api/bin/api',
    'workers/api/bin/.api.1234.tmp',
    'workers/api/dist/api-linux-amd64',
    'libs/shared/bin/x',
    'workers/api/src/.main.go.swp',
    'workers/api/src/.main.go.swx',
    'workers/api/src/main.go~',
    'workers/api/src/4913',
    'workers/api/src/.#main.go',
    'workers/api/src/#main.go#',
    'workers/api/src/main.go___jb_tmp___',
    'workers/api/src/main.go___jb_old___',
    'workers/api/src/.goutputstream-X1Y2Z3',
    'workers/api/src/main.go.kate-swp',
    'workers/api/src/.DS_Store',
  ])('ignores %s', (rel) => {
    expect(isIgnoredPath(rel, outputs)).toBe(true);
  });

  it.each([
    'workers/api/src/main.go',
    'workers/api/go.mod',
    'workers/api/src/banner.txt',
    // Names that only resemble ignored ones.
    'workers/api/src/binary.go',
    'workers/api/binder/x.go',
    'workers/api/src/git.go',
    'workers/auth/bin/auth.go',
    'libs/shared/swap.go',
    'go.work',
  ])('keeps %s', (rel) => {
    expect(isIgnoredPath(rel, outputs)).toBe(false);
  });
});
