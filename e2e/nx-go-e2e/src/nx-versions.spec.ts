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

  it("refuses to build auth without its routes job when nx.json's targetDefaults replace the plugin's dependsOn, and \"...\" keeps it on Nx 23+", () => {
    const nxJson = ws.read('nx.json');
    const routes = ws.read('workers/auth/routes.txt');
    const withDefaults = (dependsOn: string[]) => {
      ws.write('nx.json', JSON.stringify({ ...JSON.parse(nxJson), targetDefaults: { build: { dependsOn } } }, null, 2));
      ws.commit(`targetDefaults ${dependsOn.join(' ')}`);
    };
    // A new routes.txt: a build without the job would compile the old zz_routes.go under the new job ID.
    ws.write('workers/auth/routes.txt', `${ws.read('workers/auth/routes.txt')}GET /health health\n`);
    withDefaults(['^build']);
    expect(JSON.parse(ws.nxOk(['show', 'project', 'auth', '--json']).output).targets.build.dependsOn).toEqual(['^build']);
    const replaced = ws.nx(['build', 'auth']);
    expect(replaced.code).not.toBe(0);
    expect([...replaced.tasks.keys()]).toEqual(['auth:build']);
    expect(replaced.output).toContain('auth: build: needs auth:job-routes to run before it (its deps), but this run does not run it first. Its dependsOn is ["^build"]');
    expect(spawnSync(ws.path('workers/auth/bin/auth'), ['-routes'], { encoding: 'utf8' }).stdout).not.toContain('/health');

    withDefaults(['...', '^build']);
    const spread = ws.nx(['build', 'auth']);
    if (Number(nxVersion.split('.')[0]) >= 23) {
      expect(spread.code).toBe(0);
      expect(Object.fromEntries(spread.tasks)).toEqual({ 'auth:job-routes': 'miss', 'auth:build': 'miss' });
      expect(spawnSync(ws.path('workers/auth/bin/auth'), ['-routes'], { encoding: 'utf8' }).stdout).toContain('/health');
    } else {
      // Nx 22 keeps "..." as written: the message still says what to add.
      expect(spread.code).not.toBe(0);
      expect(spread.output).toContain('or add "job-routes" to it.');
    }

    // The plugin's own dependsOn, with the job left out of the run.
    ws.write('nx.json', nxJson);
    ws.commit('no targetDefaults');
    const excluded = ws.nx(['build', 'auth', '--exclude-task-dependencies', '--skip-nx-cache']);
    expect(excluded.code).not.toBe(0);
    expect(excluded.output).toContain('Its dependsOn lists it, so this run left it out (--exclude-task-dependencies)');
    ws.write('workers/auth/routes.txt', routes);
    ws.commit('routes.txt back');
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
