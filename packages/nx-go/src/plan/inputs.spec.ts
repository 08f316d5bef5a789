// Specifies what goes into a Go task's hash: source globs, `go env` runtime, workspace files and stamps.

import { parseServerSettings, parseWorkerSettings } from '../config/settings';
import { BINARY_ENV_VARS, planBuild, type BuildJob, type Worker } from './build';
import {
  buildInputs,
  externalInputs,
  goEnvRuntime,
  isTrimmed,
  SOURCES_INPUT,
  sourceInputs,
  STAMP_COMMAND,
  TEST_SOURCES_INPUT,
  testSourceInputs,
  WORKSPACE_GO_FILES,
  WORKSPACE_PATH_RUNTIME,
  CONTEXT_INPUT,
  contextInputs,
  CGO_TOOLCHAIN_RUNTIME,
  GO_READ_PATTERNS,
  pluginRuntime,
  CGO_TOOLCHAIN_INPUT,
  goEnvInput,
  runtimeNamedInput,
  STAMP_INPUT,
  runtimeNamedInputs,
  GO_ENV_SCRIPT,
} from './inputs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskDigestCommand } from './disk-inputs';
import { matchesGlob } from 'node:path';

const EXCLUDED_BY_DEFAULT = ['bin/**', 'dist/**', '.jobs/**', '**/*_test.go', 'config.yaml', '**/testdata/**', '**/*.md'];
/** With explicit sources, docs are the user's call (a worker may embed them). */
const EXCLUDED_ALWAYS = EXCLUDED_BY_DEFAULT.filter((p) => p !== '**/*.md');
const GO_READ = GO_READ_PATTERNS.map((p) => `{projectRoot}/${p}`);

describe('sourceInputs', () => {
  it('takes everything in the project but outputs, docs, tests and config.yaml by default', () => {
    const expected = ['{projectRoot}/**/*', ...EXCLUDED_BY_DEFAULT.map((p) => `!{projectRoot}/${p}`)];
    expect(sourceInputs()).toEqual(expected);
    expect(sourceInputs({ sources: undefined, exclude: [] })).toEqual(expected);
  });

  it('takes the worker sources plus every file go build reads and vendor, minus the worker excludes (docs included when listed)', () => {
    expect(sourceInputs({ sources: ['src/**/*.go', 'assets/**'], exclude: ['src/gen/**'] })).toEqual([
      '{projectRoot}/src/**/*.go',
      '{projectRoot}/assets/**',
      ...GO_READ,
      '{projectRoot}/vendor/**/*',
      ...EXCLUDED_ALWAYS.map((p) => `!{projectRoot}/${p}`),
      '!{projectRoot}/src/gen/**',
    ]);
  });

  it.each([
    ['a cgo source', 'gen/bridge.c'],
    ['a C header', 'gen/bridge.h'],
    ['an assembly file', 'internal/asm_amd64.s'],
    ['a .syso object', 'rsrc_windows_amd64.syso'],
    ['the PGO profile', 'src/default.pgo'],
    ['a go.work inside the worker', 'go.work'],
    ['a Go file outside the listed sources', 'internal/db/db.go'],
  ])('keeps %s in the hash when sources names only src/**/*.go', (_label, file) => {
    const inputs = sourceInputs({ sources: ['src/**/*.go'], exclude: [] });
    const positives = inputs.filter((i) => !i.startsWith('!')).map((i) => i.replace('{projectRoot}/', ''));
    const negatives = inputs.filter((i) => i.startsWith('!')).map((i) => i.replace('!{projectRoot}/', ''));
    expect(positives.some((g) => matchesGlob(file, g))).toBe(true);
    expect(negatives.some((g) => matchesGlob(file, g))).toBe(false);
  });

  it('lists no glob twice when the seed example names go.mod, go.sum and the test excludes itself', () => {
    const inputs = sourceInputs({ sources: ['src/**/*.go', 'go.mod', 'go.sum'], exclude: ['**/*_test.go', '**/testdata/**'] });
    expect(new Set(inputs).size).toBe(inputs.length);
    expect(inputs.filter((i) => !i.startsWith('!'))).toEqual([
      '{projectRoot}/src/**/*.go',
      '{projectRoot}/go.mod',
      '{projectRoot}/go.sum',
      ...GO_READ.filter((g) => !/go\.(mod|sum)$/.test(g)),
      '{projectRoot}/vendor/**/*',
    ]);
    expect(inputs.filter((i) => i.startsWith('!'))).toEqual(EXCLUDED_ALWAYS.map((p) => `!{projectRoot}/${p}`));
  });

  it.each([
    ['config.yaml', ['src/**', 'config.yaml'], '!{projectRoot}/config.yaml'],
    ['a file under testdata/', ['src/**', 'src/testdata/banner.txt'], '!{projectRoot}/**/testdata/**'],
  ])('lifts the exclusion of %s when sources names it, so an embedded one can be hashed', (_label, sources, lifted) => {
    expect(sourceInputs({ sources, exclude: [] })).not.toContain(lifted);
    expect(sourceInputs({ sources: ['src/**'], exclude: [] })).toContain(lifted);
  });

  it.each([
    ['an excluded worker glob', { exclude: ['docs/**'] }, '!{projectRoot}/docs/**'],
    ['the worker excludes even without sources', { exclude: ['*.sql'] }, '!{projectRoot}/*.sql'],
  ])('adds %s', (_label, settings, glob) => {
    expect(sourceInputs({ sources: undefined, ...settings })).toContain(glob);
  });

  it('roots every glob in the project', () => {
    for (const glob of sourceInputs({ sources: ['a', 'b/**'], exclude: ['c'] })) {
      expect(glob).toMatch(/^!?\{projectRoot\}\//);
    }
  });
});

describe('testSourceInputs', () => {
  it('keeps tests and testdata, and still leaves out outputs, docs and config.yaml', () => {
    const inputs = testSourceInputs();
    expect(inputs).toContain('{projectRoot}/**/*');
    expect(inputs).toEqual(expect.arrayContaining(['!{projectRoot}/bin/**', '!{projectRoot}/**/*.md', '!{projectRoot}/config.yaml']));
    expect(inputs.some((i) => i.includes('_test.go') || i.includes('testdata'))).toBe(false);
  });
});

describe('goEnvRuntime', () => {
  /** The variables a `go env` runtime input asks for; the command must still hash when go is missing. */
  /** The variables the command asks go for, by running go-env.sh for real with NX_GO_ENV_VARS=1. */
  const varsOf = (input: ReturnType<typeof goEnvRuntime>) => {
    const runtime = (input as { runtime: string }).runtime;
    const r = spawnSync('sh', ['-c', runtime], { encoding: 'utf8', env: { PATH: process.env.PATH, NX_GO_ENV_VARS: '1' } });
    expect(r.status).toBe(0);
    return r.stdout.trim().split(' ');
  };

  it('is short: go-env.sh holds the list', () => {
    expect(goEnvRuntime('node_modules/@tqserver/nx-go/src/plan/go-env.sh', { GOOS: 'linux', CGO_ENABLED: '0' }, ['GOROOT'])).toEqual({
      runtime: 'exec sh node_modules/@tqserver/nx-go/src/plan/go-env.sh GOOS CGO_ENABLED -- GOROOT',
    });
    expect(goEnvRuntime("/my plugin's/go-env.sh")).toEqual({ runtime: "exec sh '/my plugin'\\''s/go-env.sh'" });
  });

  it('asks go for its version first, and hashes "go-not-found" rather than failing when go is missing', () => {
    const script = readFileSync(GO_ENV_SCRIPT, 'utf8');
    expect(script).toMatch(/^go env GOVERSION \$vars \|\| echo go-not-found$/m);
    // A PATH with sh and no go.
    const bin = mkdtempSync(join(tmpdir(), 'nx-go-no-go-'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
    const r = spawnSync('/bin/sh', ['-c', (goEnvRuntime(GO_ENV_SCRIPT) as { runtime: string }).runtime], { encoding: 'utf8', env: { PATH: bin } });
    rmSync(bin, { recursive: true });
    expect(r.stdout).toBe('go-not-found\n');
  });

  it('asks go for its version and every variable that changes a binary, and never fails hashing', () => {
    expect(varsOf(goEnvRuntime(GO_ENV_SCRIPT))).toEqual([...BINARY_ENV_VARS]);
    expect(BINARY_ENV_VARS).toEqual(expect.arrayContaining(['GOOS', 'GOARCH', 'CGO_ENABLED', 'GOFLAGS', 'GOAMD64', 'CC']));
    // Found in review: each of these changes what cgo or the linker produces, and none was hashed.
    expect(BINARY_ENV_VARS).toEqual(expect.arrayContaining(['PKG_CONFIG', 'CGO_FFLAGS', 'AR', 'FC', 'GOFIPS140']));
  });

  it.each<[Record<string, string>, string[]]>([
    [{ CGO_ENABLED: '0' }, ['CGO_ENABLED']],
    [{ GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0' }, ['GOOS', 'GOARCH', 'CGO_ENABLED']],
    [{ UNRELATED: 'x' }, []],
  ])('drops the pinned variables of %j', (pinned, dropped) => {
    const vars = varsOf(goEnvRuntime(GO_ENV_SCRIPT, pinned));
    expect(vars).toEqual(BINARY_ENV_VARS.filter((v) => !dropped.includes(v)));
  });

  it('appends extra variables after the binary ones', () => {
    expect(varsOf(goEnvRuntime(GO_ENV_SCRIPT, { GOOS: 'linux' }, ['GOROOT', 'GOMODCACHE']))).toEqual([
      ...BINARY_ENV_VARS.filter((v) => v !== 'GOOS'),
      'GOROOT',
      'GOMODCACHE',
    ]);
  });
});

describe('named runtime inputs', () => {
  it.each<[Record<string, string>, string[], string]>([
    [{}, [], 'go-env'],
    [{ CGO_ENABLED: '0' }, [], 'go-env-without-CGO_ENABLED'],
    // Named in BINARY_ENV_VARS order, whatever the job's order; unrelated pins do not count.
    [{ CGO_ENABLED: '0', GOARCH: 'arm64', GOOS: 'linux', UNRELATED: 'x' }, [], 'go-env-without-GOOS-GOARCH-CGO_ENABLED'],
    [{ CGO_ENABLED: '0' }, ['GOROOT', 'GOMODCACHE'], 'go-env-without-CGO_ENABLED-with-GOROOT-GOMODCACHE'],
    [{ CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64' }, ['GOROOT', 'GOMODCACHE'], 'go-env-without-GOOS-GOARCH-CGO_ENABLED-with-GOROOT-GOMODCACHE'],
  ])('names go env pinning %j plus %j %s, and the name gives back the same command', (pinned, extra, name) => {
    expect(goEnvInput(pinned, extra)).toBe(name);
    expect(runtimeNamedInput(name, 'go-env.sh')).toEqual([goEnvRuntime('go-env.sh', pinned, extra)]);
  });

  it('writes out the command for pins beyond the plugin\'s own, and it prints what go-env.sh prints', () => {
    const pinned = { CGO_ENABLED: '0', GOAMD64: 'v3' };
    const inline = goEnvInput(pinned) as { runtime: string };
    expect(inline.runtime).toMatch(/^go env GOVERSION GOOS GOARCH GOARM .* \|\| echo go-not-found$/);
    expect(inline.runtime.split(' ')).not.toContain('GOAMD64');
    const run = (command: string) => spawnSync('sh', ['-c', command], { encoding: 'utf8', env: { PATH: process.env.PATH } }).stdout;
    expect(run(inline.runtime)).toBe(run((goEnvRuntime(GO_ENV_SCRIPT, pinned) as { runtime: string }).runtime));
  });

  it('knows the stamp and the cgo toolchain, and no other name', () => {
    expect(runtimeNamedInput(STAMP_INPUT, 'go-env.sh')).toEqual([{ runtime: STAMP_COMMAND }]);
    expect(runtimeNamedInput(CGO_TOOLCHAIN_INPUT, 'go-env.sh')).toEqual([CGO_TOOLCHAIN_RUNTIME]);
    for (const other of ['go-sources', 'go-context', 'go-envelope', 'go-env-GOOS', '^go-env', 'go-env-without-GOAMD64']) expect(runtimeNamedInput(other, 'go-env.sh')).toBeUndefined();
  });

  it('gives every building project the same fixed set, and other Go projects go-env alone', () => {
    const build = runtimeNamedInputs('build', 'go-env.sh');
    expect(Object.keys(build).sort()).toEqual([
      'go-cgo-toolchain',
      'go-env',
      'go-env-without-CGO_ENABLED',
      'go-env-without-CGO_ENABLED-with-GOROOT-GOMODCACHE',
      'go-env-without-GOOS-GOARCH-CGO_ENABLED',
      'go-env-without-GOOS-GOARCH-CGO_ENABLED-with-GOROOT-GOMODCACHE',
      'go-cross',
      'go-stamp',
    ].sort());
    expect(runtimeNamedInputs('module', 'go-env.sh')).toEqual({ 'go-env': [goEnvRuntime('go-env.sh')] });
  });
});

describe('externalInputs', () => {
  it.each([
    ['@tqserver/nx-go', ['@tqserver/nx-go']],
    [null, []],
  ])('for plugin package %j', (pkg, deps) => {
    expect(externalInputs(pkg)).toEqual({ externalDependencies: deps });
  });
});

describe('isTrimmed', () => {
  it.each<[string, string[] | undefined, boolean]>([
    ['-trimpath present', ['go', 'build', '-trimpath', '.'], true],
    ['no -trimpath', ['go', 'build', '.'], false],
    ['-trimpath=false', ['go', 'build', '-trimpath=false', '.'], false],
    ['a shell command', undefined, false],
  ])('%s', (_label, exec, expected) => {
    expect(isTrimmed({ exec })).toBe(expected);
  });
});

describe('buildInputs', () => {
  const server = parseServerSettings(null, null);
  const worker: Worker = { name: 'api', root: 'workers/api', mainDir: 'src', settings: parseWorkerSettings(null, null, server), server };
  /** The runtime commands of the inputs, through the named runtime inputs they refer to. */
  const runtimes = (inputs: ReturnType<typeof buildInputs>) =>
    inputs
      .flatMap((i) => (typeof i === 'string' ? runtimeNamedInput(i, GO_ENV_SCRIPT) ?? [i] : [i]))
      .flatMap((i) => (typeof i === 'object' && 'runtime' in i ? [i.runtime as string] : []));
  const PROD = { target: 'build-prod' as const };
  const CROSS = { target: 'cross-compile' as const, platform: { goos: 'linux', goarch: 'arm64' } };

  it('hashes own and dependency sources, go.work, go env, the plugin and the checkout path for a dev build', () => {
    const job = planBuild(worker, { target: 'build' });
    expect(job.exec).not.toContain('-trimpath');
    expect(buildInputs(job)).toEqual([
      SOURCES_INPUT,
      `^${SOURCES_INPUT}`,
      CONTEXT_INPUT,
      // CGO_ENABLED is pinned by the plan, so the shell's value does not matter.
      goEnvInput({ CGO_ENABLED: '0' }, ['GOROOT', 'GOMODCACHE']),
      WORKSPACE_PATH_RUNTIME,
    ]);
    expect(runtimeNamedInput('go-env-without-CGO_ENABLED-with-GOROOT-GOMODCACHE', GO_ENV_SCRIPT)).toEqual([goEnvRuntime(GO_ENV_SCRIPT, { CGO_ENABLED: '0' }, ['GOROOT', 'GOMODCACHE'])]);
    // go.work, the plugin's version and identity, and the files Nx cannot see, once per project.
    const disk = { root: 'workers/api', moduleRoots: [], outsideModules: [], flagFiles: [] };
    expect(contextInputs({ pluginPackage: '@tqserver/nx-go', pluginIdentity: '1.0.0:abc', disk, digestScript: 'node_modules/@tqserver/nx-go/src/plan/disk-digest.sh' })).toEqual([
      '{workspaceRoot}/go.work',
      '{workspaceRoot}/go.work.sum',
      { externalDependencies: ['@tqserver/nx-go'] },
      { runtime: 'echo @tqserver/nx-go 1.0.0:abc' },
      { runtime: 'exec sh node_modules/@tqserver/nx-go/src/plan/disk-digest.sh workers/api' },
    ]);
    // Loaded from source or through PnP: no package to name, and the identity still invalidates.
    expect(contextInputs({ pluginPackage: null, pluginIdentity: '1.0.0:abc', disk, digestScript: 'node_modules/@tqserver/nx-go/src/plan/disk-digest.sh' })).toEqual([
      ...WORKSPACE_GO_FILES,
      { externalDependencies: [] },
      pluginRuntime('1.0.0:abc'),
      { runtime: 'exec sh node_modules/@tqserver/nx-go/src/plan/disk-digest.sh workers/api' },
    ]);
    expect(runtimes(buildInputs(job))).not.toContain(CGO_TOOLCHAIN_RUNTIME.runtime);
    expect(runtimes(buildInputs(job))).not.toContain(STAMP_COMMAND);
  });

  it.each([
    ['build-prod', PROD],
    ['a cross build', CROSS],
  ])('adds the stamp runtime, and no path inputs, for the trimmed %s', (_label, kind) => {
    const job = planBuild(worker, kind);
    const inputs = buildInputs(job);
    expect(inputs).toContain(SOURCES_INPUT);
    expect(inputs).toContain(`^${SOURCES_INPUT}`);
    expect(inputs).toContain(CONTEXT_INPUT);
    expect(runtimes(inputs)).toContain((goEnvRuntime(GO_ENV_SCRIPT, job.env) as { runtime: string }).runtime);
    expect(runtimes(inputs).filter((r) => r === STAMP_COMMAND)).toHaveLength(1);
    expect(inputs).not.toContainEqual(WORKSPACE_PATH_RUNTIME);
  });

  it('adds the checkout path to a production build whose worker turns -trimpath off', () => {
    const settings = parseWorkerSettings('w/config.yaml', 'build:\n  flags: ["-trimpath=false"]\n', server);
    const inputs = buildInputs(planBuild({ ...worker, settings }, PROD));
    expect(inputs).toContainEqual(WORKSPACE_PATH_RUNTIME);
    expect(runtimes(inputs).find((r) => r.includes('go-env.sh'))).toMatch(/ -- GOROOT GOMODCACHE$/);
  });

  it('leaves the pinned variables of the job out of the go env runtime', () => {
    const job = planBuild(worker, CROSS);
    const goEnv = runtimes(buildInputs(job)).find((r) => r.includes('go-env.sh'))!;
    const vars = spawnSync('sh', ['-c', goEnv], { encoding: 'utf8', env: { PATH: process.env.PATH, NX_GO_ENV_VARS: '1' } }).stdout.trim().split(' ');
    for (const pinned of ['GOOS', 'GOARCH', 'CGO_ENABLED']) expect(vars).not.toContain(pinned);
    expect(vars).toContain('GOAMD64');
  });

  it('follows the job, not the target kind, for the stamp', () => {
    const job: BuildJob = { cwd: 'w', shell: 'make', env: {}, output: 'w/bin/w', stamp: false, validate: false };
    expect(runtimes(buildInputs(job)).filter((r) => r === STAMP_COMMAND)).toHaveLength(0);
    expect(runtimes(buildInputs({ ...job, stamp: true })).filter((r) => r === STAMP_COMMAND)).toHaveLength(1);
  });

  it('hashes the C toolchain for a cgo build only', () => {
    const cgo = parseWorkerSettings('w/config.yaml', 'build:\n  env: { CGO_ENABLED: "1" }\n', server);
    expect(runtimes(buildInputs(planBuild({ ...worker, settings: cgo }, { target: 'build' })))).toContain(CGO_TOOLCHAIN_RUNTIME.runtime);
    expect(runtimes(buildInputs(planBuild(worker, { target: 'build' })))).not.toContain(CGO_TOOLCHAIN_RUNTIME.runtime);
  });

  it('hashes the files that -pgo= and -modfile= name, relative to the build directory', () => {
    const settings = parseWorkerSettings('workers/api/config.yaml', 'build:\n  dir: src\n  flags: ["-pgo=prof/cpu.pgo", "-modfile=../alt.mod"]\n', server);
    const inputs = buildInputs(planBuild({ ...worker, settings }, PROD));
    expect(inputs).toEqual(expect.arrayContaining(['{workspaceRoot}/workers/api/src/prof/cpu.pgo', '{workspaceRoot}/workers/api/alt.mod', '{workspaceRoot}/workers/api/alt.sum']));
  });

  it('names the test input distinctly from the sources input', () => {
    expect(TEST_SOURCES_INPUT).not.toBe(SOURCES_INPUT);
  });
});
