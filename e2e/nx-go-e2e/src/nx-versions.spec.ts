// The packed plugin, installed with `npm i -D <tarball>` and nothing else, works on every supported Nx major.
import { spawnSync } from 'node:child_process';
import { NX_VERSIONS } from './support/paths';
import { fromCache, Workspace } from './support/workspace';

describe.each(NX_VERSIONS.map((v) => [v]))('nx %s', (nxVersion) => {
  let ws: Workspace;
  beforeAll(() => {
    ws = Workspace.create({ nxVersion });
  });
  afterAll(() => ws.destroy());

  it('runs the installed nx version', () => {
    expect(ws.nxOk(['--version']).output).toContain(nxVersion);
  });

  it('infers the workers and builds them, then serves the rerun from cache', () => {
    const api = JSON.parse(ws.nxOk(['show', 'project', 'api', '--json']).output);
    expect(Object.keys(api.targets)).toEqual(expect.arrayContaining(['build', 'build-prod', 'cross-compile', 'vendor', 'test', 'vet', 'tidy']));
    const first = ws.nxOk(['run-many', '-t', 'build']);
    // Both builds, and the routes job that auth's builds depend on (build.deps in its config.yaml).
    expect(Object.fromEntries(first.tasks)).toEqual({ 'api:build': 'miss', 'auth:build': 'miss', 'auth:job-routes': 'miss' });
    expect(spawnSync(ws.path('workers/api/bin/api'), { encoding: 'utf8' }).stdout).toContain('hello from api');
    const second = ws.nxOk(['run-many', '-t', 'build']);
    expect(second.tasks.size).toBe(3);
    expect([...second.tasks.values()].every(fromCache)).toBe(true);
  });

  it('runs the init generator: max_parallel and cache.dir from server.yaml land in nx.json', () => {
    ws.write('config/server.yaml', ws.read('config/server.yaml').replace('max_parallel: 4', 'max_parallel: 3'));
    ws.nxOk(['g', '@tqserver/nx-go:init', '--no-interactive']);
    const nxJson = JSON.parse(ws.read('nx.json'));
    expect(nxJson.parallel).toBe(3);
    expect(nxJson.cacheDirectory).toBe('.cache/build');
    expect(nxJson.plugins).toEqual(['@tqserver/nx-go']);
  });

  it('builds and validates a production binary', () => {
    const r = ws.nxOk(['build-prod', 'auth']);
    expect(r.output).toContain('validated auth --version');
  });
});
