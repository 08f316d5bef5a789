// The packed plugin, installed with `npm i -D <tarball>` and nothing else, works on every supported Nx major.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
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
      // Nx 22 keeps "..." as written: the message says so, and what to add.
      expect(spread.code).not.toBe(0);
      expect(spread.output).toContain('with "..." kept as written: this Nx (22) does not expand it there. Add "job-routes" to that list instead.');
    }

    // The plugin's own dependsOn, with the job left out of the run.
    ws.write('nx.json', nxJson);
    ws.commit('no targetDefaults');
    const excluded = ws.nx(['build', 'auth', '--exclude-task-dependencies', '--skip-nx-cache']);
    expect(excluded.code).not.toBe(0);
    expect(excluded.output).toContain('Its dependsOn lists it, so this run left it out (--exclude-task-dependencies)');
    // The form the message suggests: the job in the same command keeps its order before the build.
    const both = ws.nxOk(['run-many', '-t', 'job-routes,build', '-p', 'auth', '--exclude-task-dependencies', '--skip-nx-cache']);
    expect([...both.tasks.keys()]).toEqual(['auth:job-routes', 'auth:build']);
    expect(spawnSync(ws.path('workers/auth/bin/auth'), ['-routes'], { encoding: 'utf8' }).stdout).toContain('/health');
    // A project.json that replaces the job's outputs: a hit would restore .jobs/routes but not src/zz_routes.go.
    ws.write('workers/auth/project.json', JSON.stringify({ name: 'auth', targets: { 'job-routes': { outputs: ['{projectRoot}/.jobs/routes'] } } }));
    ws.commit('job outputs replaced');
    const jobOutputs = ws.nx(['run', 'auth:job-routes', '--skip-nx-cache']);
    expect(jobOutputs.code).not.toBe(0);
    expect(jobOutputs.output).toContain('auth: job-routes: its outputs are ["{projectRoot}/.jobs/routes"], which do not hold workers/auth/src/zz_routes.go');
    // A project.json that redefines the plugin's go-sources: the targets' inputs look right, the hash does not.
    ws.write('workers/auth/project.json', JSON.stringify({ name: 'auth', namedInputs: { 'go-sources': ['{projectRoot}/go.mod'] } }));
    ws.commit('go-sources redefined');
    const named = ws.nx(['run-many', '-t', 'build', 'test', '-p', 'auth', '--skip-nx-cache']);
    expect(named.code).not.toBe(0);
    // The job is the first task of the project to run, and the first to refuse.
    expect(named.output).toContain('auth: job-routes: the go-* named inputs of auth are not the ones the plugin inferred');
    expect([...named.tasks.keys()]).toEqual(['auth:job-routes']);
    ws.remove('workers/auth/project.json');
    // The same in a library: api's build reads its go-sources through ^go-sources.
    ws.write('libs/shared/project.json', JSON.stringify({ name: 'shared', namedInputs: { 'go-sources': ['{projectRoot}/go.mod'] } }));
    ws.commit('library go-sources redefined');
    const lib = ws.nx(['build', 'api', '--skip-nx-cache']);
    expect(lib.code).not.toBe(0);
    expect(lib.output).toContain('api: build: the go-* named inputs of shared are not the ones the plugin inferred');
    ws.remove('libs/shared/project.json');
    ws.write('workers/auth/routes.txt', routes);
    ws.commit('routes.txt back');
  });

  it("refuses to cache a build or test whose inputs a JavaScript workspace's targetDefaults replaced, and \"...\" keeps them on Nx 23+", () => {
    const nxJson = ws.read('nx.json');
    const server = ws.read('config/server.yaml');
    // The targetDefaults of a typical JavaScript workspace: they replace the inputs of every target called build or test.
    const withInputs = (spread: string[]) => {
      const namedInputs = { default: ['{projectRoot}/**/*'], production: ['default'] };
      const targetDefaults = {
        build: { inputs: [...spread, 'production', '^production'], cache: true },
        test: { inputs: [...spread, 'default', '^production'], cache: true },
      };
      ws.write('nx.json', JSON.stringify({ ...JSON.parse(nxJson), namedInputs, targetDefaults }, null, 2));
      ws.commit(`targetDefaults inputs ${spread.join(' ')}`);
    };
    const size = () => statSync(ws.path('workers/api/bin/api')).size;
    withInputs([]);
    const build = ws.nx(['build', 'api', '--skip-nx-cache']);
    expect(build.code).not.toBe(0);
    expect(build.output).toContain('api: build: its inputs are ["production","^production"], without the plugin\'s');
    // Outputs replaced the same way: a later hit would restore no binary.
    ws.write('nx.json', JSON.stringify({ ...JSON.parse(nxJson), targetDefaults: { build: { outputs: ['{options.outputPath}'] } } }, null, 2));
    const outputs = ws.nx(['build', 'api', '--skip-nx-cache']);
    expect(outputs.code).not.toBe(0);
    expect(outputs.output).toMatch(/api: build: its outputs are .*, which do not hold workers\/api\/bin\/api: a targetDefaults entry/);
    withInputs([]);
    const test = ws.nx(['test', 'api', '--skip-nx-cache']);
    expect(test.code).not.toBe(0);
    expect(test.output).toContain('api: test: its inputs are ["default","^production"]');
    // nx add / init warn about such entries, and leave them alone.
    const init = ws.nxOk(['g', '@tqserver/nx-go:init', '--no-interactive']);
    expect(init.output).toContain('nx.json targetDefaults["build"] sets inputs: Nx applies it to the Go targets it names too');
    expect(init.output).toContain('nx.json targetDefaults["test"] sets inputs');
    expect(JSON.parse(ws.read('nx.json')).targetDefaults.build.inputs).toEqual(['production', '^production']);
    ws.git('checkout', '--', '.');

    withInputs(['...']);
    if (Number(nxVersion.split('.')[0]) >= 23) {
      const debug = ws.nxOk(['build', 'api']);
      expect(debug.tasks.get('api:build')).toBe('miss');
      const debugSize = size();
      // A server.yaml change outside the project still reaches the hash: an optimized build, not the cached debug one.
      ws.write('config/server.yaml', server.replace('optimize: false', 'optimize: true').replace('include_debug: true', 'include_debug: false'));
      ws.commit('development: optimized');
      expect(ws.nxOk(['build', 'api']).tasks.get('api:build')).toBe('miss');
      expect(size()).toBeLessThan(debugSize);
      expect(ws.nxOk(['test', 'api']).tasks.get('api:test')).toBe('miss');
    } else {
      // Nx 22 has no "..." in inputs, and says so itself.
      const spread = ws.nx(['build', 'api']);
      expect(spread.code).not.toBe(0);
      expect(spread.output).toContain('"..." is an invalid fileset');
    }
    ws.write('nx.json', nxJson);
    ws.write('config/server.yaml', server);
    ws.commit('no targetDefaults');
    // build-prod's inputs copied from nx show project without go-stamp: a new commit would be served the old stamp.
    const prodInputs: unknown[] = JSON.parse(ws.nxOk(['show', 'project', 'api', '--json']).output).targets['build-prod'].inputs;
    expect(prodInputs).toContain('go-stamp');
    ws.write('workers/api/project.json', JSON.stringify({ targets: { 'build-prod': { inputs: prodInputs.filter((i) => i !== 'go-stamp') } } }));
    const stamp = ws.nx(['build-prod', 'api', '--skip-nx-cache']);
    expect(stamp.code).not.toBe(0);
    expect(stamp.output).toContain('also the git stamp written into the binary');
    ws.remove('workers/api/project.json');
    // auth's test inputs without its routes job's ID: a change to the job would be served a stale test result.
    const testInputs: unknown[] = JSON.parse(ws.nxOk(['show', 'project', 'auth', '--json']).output).targets.test.inputs;
    expect(testInputs).toContain('go-job-routes');
    ws.write('workers/auth/project.json', JSON.stringify({ targets: { test: { inputs: testInputs.filter((i) => i !== 'go-job-routes') } } }));
    const authTest = ws.nx(['test', 'auth', '--skip-nx-cache']);
    expect(authTest.code).not.toBe(0);
    expect(authTest.output).toContain('also the IDs of the build jobs it waits for (missing: go-job-routes)');
    ws.remove('workers/auth/project.json');
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

  it("builds a project that project.json renames: the binary keeps the worker's name, the job runs first, and the rerun is all cache", () => {
    // Before the binary was in the options, the executor planned bin/auth-svc and refused every build.
    ws.write('workers/auth/project.json', JSON.stringify({ name: 'auth-svc' }));
    ws.commit('rename auth in project.json');
    ws.remove('workers/auth/bin');
    ws.remove('workers/auth/dist');
    const args = ['run-many', '-t', 'build,build-prod', '-p', 'auth-svc'];
    const first = ws.nxOk(args);
    expect([...first.tasks.keys()].sort()).toEqual(['auth-svc:build', 'auth-svc:build-prod', 'auth-svc:job-routes']);
    expect(ws.exists('workers/auth/bin/auth')).toBe(true);
    expect(ws.exists('workers/auth/dist/auth')).toBe(true);
    expect(ws.exists('workers/auth/bin/auth-svc')).toBe(false);
    const second = ws.nxOk(args);
    expect(second.tasks.size).toBe(3);
    expect([...second.tasks.values()].every(fromCache)).toBe(true);
    // Another worker's build dep still names auth as inference did: Nx runs auth-svc's job first, and the build takes it,
    // even with another project now called auth (found by review: the plugin took that one, and refused the build).
    ws.write('apps/auth/project.json', JSON.stringify({ name: 'auth', targets: { hello: { command: 'echo hi' } } }));
    const apiConfig = ws.read('workers/api/config.yaml');
    ws.write('workers/api/config.yaml', apiConfig.replace('build:\n', 'build:\n  deps: ["auth:routes"]\n'));
    const api = ws.nxOk(['build', 'api']);
    expect([...api.tasks.keys()]).toEqual(['auth-svc:job-routes', 'api:build']);
    // Its inputs copied from nx show project without auth's job ID: a change to auth's job would be served stale.
    const inputs: unknown[] = JSON.parse(ws.nxOk(['show', 'project', 'api', '--json']).output).targets.build.inputs;
    const trimmed = inputs.filter((i) => !(typeof i === 'object' && i !== null && ('input' in i || 'dependentTasksOutputFiles' in i)));
    expect(trimmed.length).toBe(inputs.length - 2);
    ws.write('workers/api/project.json', JSON.stringify({ targets: { build: { inputs: trimmed } } }));
    const refused = ws.nx(['build', 'api', '--skip-nx-cache']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('(missing: go-job-routes of auth, the output files of the tasks it depends on)');
    ws.remove('workers/api/project.json');
    ws.remove('apps');
    ws.write('workers/api/config.yaml', apiConfig);
    ws.remove('workers/auth/project.json');
    ws.commit('undo the rename');
  });
});
