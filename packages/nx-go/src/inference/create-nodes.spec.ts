// Specifies createGoNodes against a workspace on disk: which go.mod files become projects, their targets, and the memo.

import type { CreateNodesContext, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createGoNodes, filesUnder, GO_MOD_GLOB, type GoPluginOptions } from './create-nodes';
import fg from 'fast-glob';
import { parseServerSettings, parseWorkerSettings, readWorkerFacts, SERVER_CONFIG_FILE } from '../config/settings';
import { makeWorker, planBuild, planMatrix } from '../plan/build';
import { jobInput, namedInputsDigest } from '../plan/inputs';

const MEMO_FILE = 'tqserver-nx-go-inference.json';

const API_CONFIG = 'name: api\nport: 8080\n\nbuild:\n  timeout: 90s\n  flags:\n    - "-buildmode=exe"\n';
// The bad value `60` is on line 4, column 12.
const AUTH_CONFIG = 'name: auth\nport: 8081\nbuild:\n  timeout: 60\n';

let ws: string;
let dataDir: string;
let savedDataDir: string | undefined;

function write(rel: string, text: string): void {
  const abs = join(ws, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}

function goMod(dir: string, module = `example.com/ws/${dir}`): string {
  const file = dir === '.' ? 'go.mod' : `${dir}/go.mod`;
  write(file, `module ${module}\n\ngo 1.22\n`);
  return file;
}

/** The workspace of the brief: two workers (one with a broken config), a library, and go.mod files to skip. */
function standardWorkspace(): string[] {
  const files = [
    goMod('workers/api'),
    goMod('workers/auth'),
    goMod('libs/shared'),
    goMod('node_modules/x'),
    goMod('workers/api/vendor/y'),
    goMod('libs/shared/testdata'),
    goMod('workers/api/bin/z'),
    goMod('dist/out'),
  ];
  write('workers/api/src/main.go', 'package main\n\nvar Version = "dev"\n\nfunc main() {}\n');
  write('workers/api/config.yaml', API_CONFIG);
  write('workers/auth/main.go', 'package main\n\nfunc main() {}\n');
  write('workers/auth/config.yaml', AUTH_CONFIG);
  write('libs/shared/shared.go', 'package shared\n');
  return files;
}

async function infer(files: readonly string[], options?: GoPluginOptions) {
  const context: CreateNodesContext = { workspaceRoot: ws, nxJsonConfiguration: {} };
  return createGoNodes(files, options, context);
}

/** Project configurations keyed by root, checking that each result is keyed by its own go.mod. */
async function projects(files: readonly string[], options?: GoPluginOptions): Promise<Record<string, ProjectConfiguration>> {
  const out: Record<string, ProjectConfiguration> = {};
  for (const [file, result] of await infer(files, options)) {
    const entries = Object.entries(result.projects ?? {});
    expect(entries).toHaveLength(1);
    const [root, project] = entries[0];
    expect(file).toBe(root === '.' ? 'go.mod' : `${root}/go.mod`);
    expect(project.root).toBe(root);
    out[root] = project as ProjectConfiguration;
  }
  return out;
}

const jobOf = (t: TargetConfiguration | undefined) => (t?.metadata as { job?: Record<string, unknown> } | undefined)?.job ?? {};
const execOf = (t: TargetConfiguration | undefined) => (jobOf(t).exec as string[] | undefined) ?? [];

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'nx-go-nodes-'));
  dataDir = mkdtempSync(join(tmpdir(), 'nx-go-data-'));
  savedDataDir = process.env.NX_WORKSPACE_DATA_DIRECTORY;
  process.env.NX_WORKSPACE_DATA_DIRECTORY = dataDir;
});

afterEach(() => {
  if (savedDataDir === undefined) delete process.env.NX_WORKSPACE_DATA_DIRECTORY;
  else process.env.NX_WORKSPACE_DATA_DIRECTORY = savedDataDir;
  rmSync(ws, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

it('matches every go.mod', () => {
  expect(GO_MOD_GLOB).toBe('**/go.mod');
});

describe('a workspace with workers and a library', () => {
  it('makes projects of the workers and the library only', async () => {
    const p = await projects(standardWorkspace());
    expect(Object.keys(p).sort()).toEqual(['libs/shared', 'workers/api', 'workers/auth']);
  });

  it.each(['node_modules/x/go.mod', 'workers/api/vendor/y/go.mod', 'libs/shared/testdata/go.mod', 'workers/api/bin/z/go.mod', 'dist/out/go.mod'])(
    'skips %s',
    async (file) => {
      standardWorkspace();
      expect(await infer([file])).toEqual([]);
    },
  );

  it('infers the worker with every build and module target, one cross-compile for the whole matrix', async () => {
    const { 'workers/api': api } = await projects(standardWorkspace());
    expect(api).toMatchObject({
      name: 'api',
      root: 'workers/api',
      projectType: 'application',
      tags: ['go', 'go:worker'],
      metadata: { technologies: ['go'] },
    });
    expect(Object.keys(api.targets!).sort()).toEqual(['build', 'build-prod', 'cross-compile', 'test', 'vet', 'tidy', 'vendor', 'serve'].sort());
    // serve runs until stopped and builds by itself: continuous, never cached.
    expect(api.targets!.serve).toMatchObject({ executor: '@tqserver/nx-go:serve', continuous: true, cache: false });
    for (const target of Object.values(api.targets!)) {
      expect(target.metadata?.technologies).toEqual(['go']);
      expect(target.executor).toMatch(/^@tqserver\/nx-go:/);
    }
    expect(Object.keys(api.namedInputs!).sort()).toEqual([
      'go-cgo-toolchain',
      'go-context',
      'go-cross',
      'go-env',
      'go-env-without-CGO_ENABLED',
      'go-env-without-CGO_ENABLED-with-GOROOT-GOMODCACHE',
      'go-env-without-GOOS-GOARCH-CGO_ENABLED',
      'go-env-without-GOOS-GOARCH-CGO_ENABLED-with-GOROOT-GOMODCACHE',
      'go-sources',
      'go-stamp',
      'go-test-context',
      'go-test-sources',
    ]);
    // Every input a target names is defined in the project (Nx would fail the task graph otherwise).
    for (const target of Object.values(api.targets!)) {
      for (const input of target.inputs ?? []) {
        if (typeof input === 'string' && !/^[\^{!]/.test(input)) expect(api.namedInputs).toHaveProperty([input]);
      }
    }
    // ...and Nx refuses a namedInputs entry that starts with ^.
    for (const entries of Object.values(api.namedInputs!)) {
      for (const input of entries) if (typeof input === 'string') expect(input).not.toMatch(/^\^/);
    }
  });

  it('records a digest of the project\'s go-* named inputs, which the executors check a project.json override against', async () => {
    const { 'workers/api': api } = await projects(standardWorkspace());
    expect(api.metadata?.goNamedInputs).toBe(namedInputsDigest(api.namedInputs));
    expect(namedInputsDigest({ ...api.namedInputs, 'go-sources': ['{projectRoot}/go.mod'] })).not.toBe(api.metadata?.goNamedInputs);
    expect(namedInputsDigest({ ...api.namedInputs, production: ['default'] })).toBe(api.metadata?.goNamedInputs);
  });

  it('plans the worker builds from its config.yaml', async () => {
    const { 'workers/api': api } = await projects(standardWorkspace());
    const build = api.targets!.build;
    expect(build.options).toEqual({ target: 'build', binary: 'api', serverConfig: 'config/server.yaml' });
    expect(jobOf(build)).toMatchObject({ cwd: 'workers/api', output: 'workers/api/bin/api', stamp: false });
    expect(execOf(build)).toEqual(['go', 'build', '-buildvcs=false', '-gcflags=all=-N -l', '-buildmode=exe', '-o', '{{.Output}}', './src']);
    expect(build.outputs).toEqual(['{workspaceRoot}/workers/api/bin/api']);
    expect(build.cache).toBe(true);
    expect(build.inputs).toEqual(expect.arrayContaining(['go-sources', '^go-sources']));
    expect(api.targets!['build-prod'].outputs).toEqual(['{workspaceRoot}/workers/api/dist/api']);
    // serverConfig is left to the executor's default in cross-compile when it is the default.
    expect(api.targets!['cross-compile'].options).toEqual({ target: 'cross-compile', binary: 'api' });
    // Every first-class port's binary, whatever the matrix: a matrix edit must not change the project's configuration.
    expect(api.targets!['cross-compile'].outputs).toEqual(
      ['linux-amd64', 'linux-arm64', 'darwin-amd64', 'darwin-arm64', 'windows-amd64.exe', 'linux-386', 'linux-arm', 'windows-386.exe'].map(
        (p) => `{workspaceRoot}/workers/api/dist/api-${p}`,
      ),
    );
    // Every build target writes somewhere else.
    const outputs = Object.values(api.targets!).flatMap((t) => t.outputs ?? []);
    expect(new Set(outputs).size).toBe(outputs.length);
  });

  it('infers the library with module targets only', async () => {
    const { 'libs/shared': shared } = await projects(standardWorkspace());
    expect(shared).toMatchObject({
      name: 'shared',
      projectType: 'library',
      tags: ['go', 'go:library'],
      metadata: { technologies: ['go'] },
    });
    expect(Object.keys(shared.targets!).sort()).toEqual(['test', 'tidy', 'vet']);
  });

  it('still gives a worker with a broken config.yaml its targets, which carry the error', async () => {
    const { 'workers/auth': auth } = await projects(standardWorkspace());
    expect(auth).toMatchObject({ name: 'auth', projectType: 'application', tags: ['go', 'go:worker'] });
    expect(Object.keys(auth.targets!)).toEqual(expect.arrayContaining(['build', 'build-prod', 'cross-compile', 'test', 'vet', 'tidy', 'vendor']));
    for (const name of ['build', 'build-prod', 'cross-compile']) {
      const target = auth.targets![name];
      expect(target.executor).toBe('@tqserver/nx-go:build');
      expect(target.cache).toBe(false);
      const error = (target.options as { configError: string }).configError;
      expect(error).toContain('workers/auth/config.yaml:4:12');
      expect(error).toContain('build.timeout');
      expect(error).toContain('60');
      expect(error).toContain('expected');
    }
  });

  it('lets one broken worker spoil nothing for the others', async () => {
    const files = standardWorkspace();
    const withBroken = await projects(files);
    write('workers/auth/config.yaml', 'build:\n  timeout: 60s\n');
    const withFixed = await projects(files);
    expect(withBroken['workers/api']).toEqual(withFixed['workers/api']);
    expect(withBroken['libs/shared']).toEqual(withFixed['libs/shared']);
    expect((withFixed['workers/auth'].targets!.build.options as { configError?: string }).configError).toBeUndefined();
  });
});

describe('project names', () => {
  it('refuses a worker and a library of the same name, naming both directories', async () => {
    const files = [goMod('workers/shared'), goMod('libs/shared')];
    const error = infer(files);
    await expect(error).rejects.toThrow('workers/shared/go.mod');
    await expect(infer(files)).rejects.toThrow('libs/shared/go.mod');
    await expect(infer(files)).rejects.toThrow(/libraryPrefix/);
  });

  it.each<[string, GoPluginOptions, string, string]>([
    ['libraryPrefix', { libraryPrefix: 'lib-' }, 'shared', 'lib-shared'],
    ['workerPrefix', { workerPrefix: 'w-' }, 'w-shared', 'shared'],
  ])('resolves the clash with %s', async (_label, options, worker, library) => {
    const p = await projects([goMod('workers/shared'), goMod('libs/shared')], options);
    expect(p['workers/shared'].name).toBe(worker);
    expect(p['libs/shared'].name).toBe(library);
  });

  it('names the binary after the prefixed project', async () => {
    const p = await projects([goMod('workers/api')], { workerPrefix: 'svc-' });
    expect(jobOf(p['workers/api'].targets!.build).output).toBe('workers/api/bin/svc-api');
    // In the options too, so the executor plans the same job when project.json renames the project.
    for (const t of ['build', 'build-prod', 'cross-compile']) expect(p['workers/api'].targets![t].options).toMatchObject({ binary: 'svc-api' });
    // And in the metadata, for the build job deps that still name it so (projectNamed).
    expect(p['workers/api'].metadata?.goWorker).toBe('svc-api');
  });

  it('names a workspace-root module after its module path', async () => {
    const p = await projects([goMod('.', 'github.com/acme/monolith')]);
    expect(p['.']).toMatchObject({ name: 'monolith', projectType: 'library' });
  });
});

describe('worker globs', () => {
  it('takes workers from the configured globs; other modules are libraries', async () => {
    const files = [goMod('services/pay'), goMod('workers/api')];
    const p = await projects(files, { workers: ['services/*'] });
    expect(p['services/pay'].projectType).toBe('application');
    expect(p['workers/api'].projectType).toBe('library');
  });

  it('accepts several globs', async () => {
    const files = [goMod('services/pay'), goMod('workers/api')];
    const p = await projects(files, { workers: ['services/*', 'workers/*'] });
    expect([p['services/pay'].projectType, p['workers/api'].projectType]).toEqual(['application', 'application']);
  });

  it('does not take a nested module for a worker', async () => {
    const p = await projects([goMod('workers/api'), goMod('workers/api/tools')]);
    expect(p['workers/api'].projectType).toBe('application');
    expect(p['workers/api/tools'].projectType).toBe('library');
  });
});

describe('the cross-compile target', () => {
  it('says what differs from build-prod (the platform variables and the output), so build-prod plus that is every job', async () => {
    const { 'workers/api': api } = await projects(standardWorkspace());
    expect(api.targets!['cross-compile'].metadata?.description).toBe(
      "Production builds for linux/amd64, linux/arm64, darwin/amd64, darwin/arm64, windows/amd64: build-prod's job with GOOS=<goos> GOARCH=<goarch>, " +
        'into workers/api/dist/api-<goos>-<goarch>[.exe]; --platform=<goos>/<goarch> builds one of them',
    );
    expect(jobOf(api.targets!['build-prod']).exec).toContain('-trimpath');
  });

  it('hashes the jobs the executor plans (planMatrix), through one named input when standard', async () => {
    const { 'workers/api': api } = await projects(standardWorkspace());
    const cross = api.targets!['cross-compile'];
    const server = parseServerSettings(SERVER_CONFIG_FILE, null);
    const settings = parseWorkerSettings('workers/api/config.yaml', readFileSync(join(ws, 'workers/api/config.yaml'), 'utf8'), server);
    const worker = makeWorker('api', 'workers/api', settings, server, readWorkerFacts(ws, 'workers/api'));
    const jobs = planMatrix(worker).map((m) => m.job);
    expect(jobs.map((j) => j.env.GOOS + '/' + j.env.GOARCH)).toEqual(['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64']);
    expect(jobs[1]).toEqual(planBuild(worker, { target: 'cross-compile', platform: { goos: 'linux', goarch: 'arm64' } }));
    expect(cross.inputs).toEqual(['go-cross', '^go-sources', jobInput(jobs)]);
    // One job's ID is not the matrix's: a platform's own job input would hash a different task.
    expect(jobInput(jobs)).not.toEqual(jobInput(jobs[0]));
    expect(api.namedInputs!['go-cross']).toEqual(['go-sources', 'go-context', 'go-env-without-GOOS-GOARCH-CGO_ENABLED', 'go-stamp']);
  });

  it('writes the inputs out when the jobs read more than the standard ones (cgo: the C toolchain)', async () => {
    const files = standardWorkspace();
    write('workers/api/config.yaml', 'build:\n  cross_compile:\n    cgo: true\n  env:\n    CGO_ENABLED: "1"\n');
    const { 'workers/api': api } = await projects(files);
    const inputs = api.targets!['cross-compile'].inputs!;
    expect(inputs).toEqual(expect.arrayContaining(['go-sources', '^go-sources', 'go-context', 'go-cgo-toolchain']));
    expect(inputs).not.toContain('go-cross');
  });

  it('changes only its own job input when the matrix changes among the first-class ports', async () => {
    const files = standardWorkspace();
    const before = (await projects(files))['workers/api'];
    write('workers/api/config.yaml', `${API_CONFIG}  cross_compile:\n    platforms: [linux/amd64, linux/386]\n`);
    const after = (await projects(files))['workers/api'];
    const { inputs: beforeInputs, ...beforeRest } = before.targets!['cross-compile'];
    const { inputs: afterInputs, ...afterRest } = after.targets!['cross-compile'];
    expect(afterInputs).not.toEqual(beforeInputs);
    // Everything Nx hashes into every task of the project (options, outputs, executor, namedInputs) stays.
    expect({ ...afterRest, metadata: undefined }).toEqual({ ...beforeRest, metadata: undefined });
    expect(after.namedInputs).toEqual(before.namedInputs);
    expect(after.targets!.build).toEqual(before.targets!.build);
  });
});

describe('namedInputs never follow build settings (Nx hashes them into every task, tests too)', () => {
  it.each([
    ['a pinned GOAMD64', 'build:\n  env:\n    GOAMD64: v3\n'],
    ['cgo on', 'build:\n  env:\n    CGO_ENABLED: "1"\n'],
    ['-trimpath=false', 'build:\n  flags: ["-trimpath=false"]\n'],
    ['stamping off', 'build:\n  flags: ["-ldflags=-s"]\n'],
  ])('%s leaves the project\'s namedInputs as they were', async (_label, config) => {
    write('workers/api/src/main.go', 'package main\n\nfunc main() {}\n');
    write('workers/api/config.yaml', 'build:\n  timeout: 1m\n');
    const before = (await projects([goMod('workers/api')]))['workers/api'];
    write('workers/api/config.yaml', config);
    const after = (await projects([goMod('workers/api')]))['workers/api'];
    expect(after.namedInputs).toEqual(before.namedInputs);
    // ...while the build targets do change, through their own inputs.
    expect(after.targets!.build.inputs).not.toEqual(before.targets!.build.inputs);
  });
});

describe('filesUnder: the worker globs, matched against the files Nx found', () => {
  const files = ['go.mod', 'apps/c/go.mod', 'libs/l/go.mod', 'workers/a/go.mod', 'workers/b/go.mod', 'workers/legacy/go.mod', 'workers/x/y/go.mod', 'workers/sp ace/go.mod', 'node_modules/m/go.mod', 'workers/n/node_modules/k/go.mod'];
  it.each<[string[]]>([
    [['workers/*']],
    [['workers/*/']],
    [['workers/**']],
    [['workers/*', '!workers/legacy']],
    [['{workers,apps}/*']],
    [['workers/[ab]']],
    [['*', 'workers/*']],
  ])('%j: what fast-glob finds on disk', (patterns) => {
    const root = mkdtempSync(join(tmpdir(), 'nx-go-under-'));
    try {
      for (const f of files) {
        mkdirSync(dirname(join(root, f)), { recursive: true });
        writeFileSync(join(root, f), 'module x\n');
      }
      const onDisk = fg.sync(patterns.map((p) => (p.startsWith('!') ? `!${p.slice(1).replace(/\/$/, '')}/go.mod` : `${p.replace(/\/$/, '')}/go.mod`)), { cwd: root, ignore: ['**/node_modules/**'] });
      expect(filesUnder(files, patterns, 'go.mod').sort()).toEqual(onDisk.sort());
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('excludes with a leading !, as fast-glob does (found in review: it used to include everything)', () => {
    expect(filesUnder(files, ['workers/*', '!workers/legacy'], 'go.mod')).toEqual(['workers/a/go.mod', 'workers/b/go.mod', 'workers/sp ace/go.mod']);
    expect(filesUnder(files, ['!workers/legacy'], 'go.mod')).toEqual([]);
  });
});

describe('main package detection', () => {
  it.each<[string, string, () => void]>([
    ['src/ present', './src', () => write('workers/api/src/main.go', 'package main\n')],
    ['src/ absent', '.', () => write('workers/api/main.go', 'package main\n')],
    ['main set in config.yaml', './cmd/api', () => write('workers/api/config.yaml', 'build:\n  main: cmd/api\n')],
    [
      'main set, src/ present',
      '.',
      () => {
        write('workers/api/src/main.go', 'package main\n');
        write('workers/api/config.yaml', 'build:\n  main: "."\n');
      },
    ],
  ])('%s → %s', async (_label, arg, setup) => {
    const files = [goMod('workers/api')];
    setup();
    const p = await projects(files);
    const targets = p['workers/api'].targets!;
    // cross-compile runs build-prod's job (see "the cross-compile target").
    for (const t of ['build', 'build-prod']) expect(execOf(targets[t]).at(-1)).toBe(arg);
  });
});

describe('vendoring and server settings', () => {
  it('keys vendor on what go mod vendor copies from, never on vendor/ itself, and restores go.mod and go.sum', async () => {
    const vendor = (await projects([goMod('workers/api')]))['workers/api'].targets!.vendor;
    expect(vendor.outputs).toEqual(['{projectRoot}/vendor', '{projectRoot}/go.mod', '{projectRoot}/go.sum']);
    expect(vendor.inputs).toEqual(expect.arrayContaining(['{projectRoot}/**/*.go', '^go-sources', '!{projectRoot}/vendor/**']));
    const digest = vendor.inputs!.find((i) => typeof i === 'object' && 'runtime' in i && String(i.runtime).includes('disk-digest.sh')) as { runtime: string };
    // -V: the digest script excludes vendor/ (disk-inputs.spec.ts runs the script and checks the pathspec).
    expect(digest.runtime).toMatch(/disk-digest\.sh workers\/api( .*)? -V$/);
  });

  it('adds -mod=vendor when the worker has vendor/modules.txt', async () => {
    const files = [goMod('workers/api')];
    expect(execOf((await projects(files))['workers/api'].targets!.build)).not.toContain('-mod=vendor');
    write('workers/api/vendor/modules.txt', '# example.com/dep v1.0.0\n');
    expect(execOf((await projects(files))['workers/api'].targets!.build)).toContain('-mod=vendor');
  });

  it('applies server.yaml: caching, parallelism, default timeout and platform matrix', async () => {
    const files = [goMod('workers/api')];
    write(
      'config/server.yaml',
      'build:\n  defaults: { parallel: false }\n  cache: { enabled: false }\n  cross_compile: { platforms: [linux/amd64, freebsd/arm64] }\n',
    );
    const { 'workers/api': api } = await projects(files);
    expect(api.targets!.build.cache).toBe(false);
    expect(api.targets!.build.parallelism).toBe(false);
    expect(api.targets!['cross-compile'].parallelism).toBe(false);
    expect(api.targets!['cross-compile'].metadata?.description).toMatch(/^Production builds for linux\/amd64, freebsd\/arm64:/);
    // A port beyond the first-class ones joins the declared outputs.
    expect(api.targets!['cross-compile'].outputs).toContain('{workspaceRoot}/workers/api/dist/api-freebsd-arm64');
  });

  it('reads server settings from the serverConfig option', async () => {
    const files = [goMod('workers/api')];
    write('build/settings.yaml', 'build:\n  cross_compile: { platforms: [linux/riscv64] }\n');
    const { 'workers/api': api } = await projects(files, { serverConfig: 'build/settings.yaml' });
    expect(api.targets!['cross-compile'].metadata?.description).toMatch(/^Production builds for linux\/riscv64:/);
    expect(api.targets!['cross-compile'].options).toEqual({ target: 'cross-compile', binary: 'api', serverConfig: 'build/settings.yaml' });
    expect((api.targets!.build.options as { serverConfig: string }).serverConfig).toBe('build/settings.yaml');
  });

  it('marks every worker broken, and no library, when server.yaml is invalid', async () => {
    const files = [goMod('workers/api'), goMod('libs/shared')];
    write('config/server.yaml', 'build:\n  defaults:\n    max_parallel: 0\n');
    const p = await projects(files);
    const error = (p['workers/api'].targets!.build.options as { configError: string }).configError;
    expect(error).toContain('config/server.yaml:3:19');
    expect(error).toContain('build.defaults.max_parallel');
    expect(Object.keys(p['libs/shared'].targets!).sort()).toEqual(['test', 'tidy', 'vet']);
  });
});

describe('memoisation', () => {
  /** One turn of the event loop: the memo is written after createNodes has returned its results. */
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('writes the memo under NX_WORKSPACE_DATA_DIRECTORY, after returning, and returns equal results from it', async () => {
    const files = standardWorkspace();
    const first = await infer(files);
    const memo = join(dataDir, MEMO_FILE);
    expect(existsSync(memo)).toBe(false);
    await turn();
    expect(existsSync(memo)).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(memo, 'utf8')))).toHaveLength(3);
    const second = await infer(files);
    expect(second).toEqual(first);
  });

  it('really serves the second call from the memo', async () => {
    const files = [goMod('workers/api')];
    await infer(files);
    await turn();
    const memo = join(dataDir, MEMO_FILE);
    const entries = JSON.parse(readFileSync(memo, 'utf8')) as Record<string, ProjectConfiguration>;
    for (const project of Object.values(entries)) project.tags = ['from-memo'];
    writeFileSync(memo, JSON.stringify(entries));
    const p = await projects(files);
    expect(p['workers/api'].tags).toEqual(['from-memo']);
  });

  it.each<[string, () => void, (before: ProjectConfiguration, after: ProjectConfiguration) => void]>([
    [
      'config.yaml',
      () => write('workers/api/config.yaml', API_CONFIG.replace('-buildmode=exe', '-buildmode=pie')),
      (_b, a) => expect(execOf(a.targets!.build)).toContain('-buildmode=pie'),
    ],
    [
      'server.yaml',
      () => write('config/server.yaml', 'build:\n  cache: { enabled: false }\n'),
      (b, a) => expect([b.targets!.build.cache, a.targets!.build.cache]).toEqual([true, false]),
    ],
    [
      'the presence of src/',
      () => rmSync(join(ws, 'workers/api/src'), { recursive: true }),
      (_b, a) => expect(execOf(a.targets!.build).at(-1)).toBe('.'),
    ],
    [
      'vendor/modules.txt',
      () => write('workers/api/vendor/modules.txt', '\n'),
      (_b, a) => expect(execOf(a.targets!.build)).toContain('-mod=vendor'),
    ],
  ])('recomputes a worker when %s changes', async (_label, change, check) => {
    const files = standardWorkspace();
    const before = (await projects(files))['workers/api'];
    change();
    const after = (await projects(files))['workers/api'];
    expect(after).not.toEqual(before);
    check(before, after);
  });

  it('keeps only the entries used by the latest call', async () => {
    const files = standardWorkspace();
    await infer(files);
    write('workers/api/config.yaml', 'build:\n  timeout: 5s\n  flags: ["-race"]\n');
    await infer(files);
    const memo = JSON.parse(readFileSync(join(dataDir, MEMO_FILE), 'utf8')) as Record<string, ProjectConfiguration>;
    expect(Object.values(memo).map((p) => p.root).sort()).toEqual(['libs/shared', 'workers/api', 'workers/auth']);
  });

  it('leaves no temporary file when the memo cannot be written', async () => {
    // A directory where the memo file belongs: the rename fails on every run.
    mkdirSync(join(dataDir, MEMO_FILE), { recursive: true });
    const files = [goMod('workers/api')];
    for (let i = 0; i < 2; i++) {
      write('workers/api/config.yaml', `${API_CONFIG}# run ${i}\n`);
      await infer(files);
      await turn();
    }
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('survives a corrupt memo file', async () => {
    const files = [goMod('workers/api')];
    const first = await infer(files);
    writeFileSync(join(dataDir, MEMO_FILE), '{not json');
    expect(await infer(files)).toEqual(first);
    expect(() => JSON.parse(readFileSync(join(dataDir, MEMO_FILE), 'utf8'))).not.toThrow();
  });
});
