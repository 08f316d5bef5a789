// Specifies planBuild: the exact argv, environment, working directory and output of every build target.

import { posix } from 'node:path';
import { parseServerSettings, parseWorkerSettings, type Platform } from '../config/settings';
import { describeJob, flagFiles, modeOf, outputPath, planBuild, platforms, type BuildKind, type Worker } from './build';

const SEED_SERVER = `
build:
  defaults: { timeout: 60s, parallel: true, max_parallel: 4 }
  cache: { enabled: true, dir: ".cache/build" }
  development: { optimize: false, include_debug: true }
  production: { optimize: true, include_debug: false, static: true }
`;

function makeWorker(build: string | null = null, opts: { server?: string; name?: string; root?: string; mainDir?: string } = {}): Worker {
  const server = parseServerSettings('config/server.yaml', opts.server ?? SEED_SERVER);
  const name = opts.name ?? 'api';
  const root = opts.root ?? `workers/${name}`;
  const text = build === null ? null : `name: ${name}\nport: 8080\nbuild:\n${build}`;
  const settings = parseWorkerSettings(`${root}/config.yaml`, text, server);
  return { name, root, mainDir: opts.mainDir ?? 'src', settings, server };
}

const STAMPS = '-X main.Version={{.Version}} -X main.BuildTime={{.BuildTime}} -X main.GitCommit={{.GitCommit}}';
const BUILD: BuildKind = { target: 'build' };
const PROD: BuildKind = { target: 'build-prod' };
const cross = (goos: string, goarch: string): BuildKind => ({ target: 'cross-compile', platform: { goos, goarch } });
const allKinds = (w: Worker): BuildKind[] => [BUILD, PROD, ...platforms(w).map((platform) => ({ target: 'cross-compile' as const, platform }))];

describe('planBuild with the seed defaults', () => {
  const worker = makeWorker();

  it('plans the development build: no optimisation, debug info kept, no stamps', () => {
    expect(planBuild(worker, BUILD)).toEqual({
      cwd: 'workers/api',
      exec: ['go', 'build', '-buildvcs=false', '-gcflags=all=-N -l', '-o', '{{.Output}}', './src'],
      // cgo is off unless asked for: a cgo binary depends on the C toolchain.
      env: { CGO_ENABLED: '0' },
      output: 'workers/api/bin/api',
      stamp: false,
      validate: false,
    });
  });

  it('plans the production build: trimmed, tagged, stripped, stamped in one -ldflags, static', () => {
    expect(planBuild(worker, PROD)).toEqual({
      cwd: 'workers/api',
      exec: ['go', 'build', '-buildvcs=false', '-trimpath', '-tags=production', `-ldflags=-s -w ${STAMPS}`, '-o', '{{.Output}}', './src'],
      env: { CGO_ENABLED: '0' },
      output: 'workers/api/dist/api',
      stamp: true,
      validate: 'auto',
    });
  });

  it.each([
    ['linux', 'amd64', 'workers/api/dist/api-linux-amd64'],
    ['linux', 'arm64', 'workers/api/dist/api-linux-arm64'],
    ['darwin', 'arm64', 'workers/api/dist/api-darwin-arm64'],
    ['windows', 'amd64', 'workers/api/dist/api-windows-amd64.exe'],
  ])('plans the cross build for %s/%s', (goos, goarch, output) => {
    const job = planBuild(worker, cross(goos, goarch));
    expect(job.exec).toEqual(planBuild(worker, PROD).exec);
    expect(job.env).toEqual({ CGO_ENABLED: '0', GOOS: goos, GOARCH: goarch });
    expect(job.output).toBe(output);
    expect(job.stamp).toBe(true);
    expect(job.validate).toBe('auto');
  });

  it('uses the same plan when server.yaml is absent (the seed values are the defaults)', () => {
    const bare = { ...worker, server: parseServerSettings(null, null) };
    for (const kind of allKinds(worker)) expect(planBuild(bare, kind)).toEqual(planBuild(worker, kind));
  });

  it('gives every target of a worker its own output file', () => {
    const outputs = allKinds(worker).map((k) => planBuild(worker, k).output);
    expect(outputs).toHaveLength(7);
    expect(new Set(outputs).size).toBe(outputs.length);
  });

  it('names windows binaries, and only them, with .exe', () => {
    const w = makeWorker('  cross_compile:\n    platforms: [windows/amd64, windows/arm64, linux/amd64, js/wasm]\n');
    const outputs = platforms(w).map((platform) => planBuild(w, { target: 'cross-compile', platform }).output);
    expect(outputs.map((o) => o.endsWith('.exe'))).toEqual([true, true, false, false]);
    expect(planBuild(w, BUILD).output.endsWith('.exe')).toBe(false);
  });
});

describe('planBuild outputs never overlap', () => {
  const overlapping = (outputs: string[]) =>
    outputs.flatMap((a, i) => outputs.filter((b, j) => i !== j && (a === b || b.startsWith(`${a}/`))).map((b) => `${a} vs ${b}`));

  it.each(['api', 'auth', 'prod-api', 'crossing'])('for a worker named %j', (name) => {
    const w = makeWorker(null, { name });
    expect(overlapping(allKinds(w).map((k) => planBuild(w, k).output))).toEqual([]);
  });

  // Worker names that equal a directory name in the layout must not make one target's output another's parent.
  it.each(['prod', 'cross', 'dist', 'bin'])('for a worker named %j', (name) => {
    const w = makeWorker(null, { name });
    expect(overlapping(allKinds(w).map((k) => planBuild(w, k).output))).toEqual([]);
  });
});

describe('planBuild modes from server.yaml', () => {
  it.each<[string, string, BuildKind, string[], Record<string, string>]>([
    [
      'dev with include_debug: false strips',
      'build:\n  development: { optimize: false, include_debug: false }\n',
      BUILD,
      ['-buildvcs=false', '-gcflags=all=-N -l', '-ldflags=-s -w'],
      { CGO_ENABLED: '0' },
    ],
    ['dev with optimize: true has no gcflags', 'build:\n  development: { optimize: true }\n', BUILD, ['-buildvcs=false'], { CGO_ENABLED: '0' }],
    ['dev with static: true disables cgo', 'build:\n  development: { static: true }\n', BUILD, ['-buildvcs=false', '-gcflags=all=-N -l'], { CGO_ENABLED: '0' }],
    ['dev with static: false turns cgo on', 'build:\n  development: { static: false }\n', BUILD, ['-buildvcs=false', '-gcflags=all=-N -l'], { CGO_ENABLED: '1' }],
    [
      'prod with optimize: false and include_debug: true',
      'build:\n  production: { optimize: false, include_debug: true, static: false }\n',
      PROD,
      ['-buildvcs=false', '-trimpath', '-tags=production', '-gcflags=all=-N -l', `-ldflags=${STAMPS}`],
      { CGO_ENABLED: '1' },
    ],
  ])('%s', (_label, server, kind, flags, env) => {
    const job = planBuild(makeWorker(null, { server }), kind);
    expect(job.exec).toEqual(['go', 'build', ...flags, '-o', '{{.Output}}', './src']);
    expect(job.env).toEqual(env);
  });

  it('takes the production mode for cross builds', () => {
    const w = makeWorker(null, { server: 'build:\n  production: { include_debug: true, static: false }\n' });
    expect(modeOf(cross('linux', 'amd64'), w.server)).toBe(w.server.production);
    expect(modeOf(PROD, w.server)).toBe(w.server.production);
    expect(modeOf(BUILD, w.server)).toBe(w.server.development);
    const job = planBuild(w, cross('linux', 'amd64'));
    expect(job.exec).toContain(`-ldflags=${STAMPS}`);
    expect(job.exec!.some((a) => a.includes('-s -w'))).toBe(false);
  });
});

describe('planBuild with worker flags', () => {
  it('merges the worker flags into the production flags', () => {
    const w = makeWorker('  flags:\n    - "-ldflags=-X main.Mode=edge"\n    - "-tags"\n    - "production,extra"\n    - "--trimpath"\n    - "-buildmode=pie"\n');
    expect(planBuild(w, PROD).exec).toEqual([
      'go',
      'build',
      '-buildvcs=false',
      '-trimpath',
      '-tags=production,extra',
      `-ldflags=-s -w -X main.Mode=edge ${STAMPS}`,
      '-buildmode=pie',
      '-o',
      '{{.Output}}',
      './src',
    ]);
  });

  it('lets the worker override a plain flag of the plan', () => {
    const job = planBuild(makeWorker('  flags: ["-buildvcs=true"]\n'), BUILD);
    expect(job.exec).toEqual(['go', 'build', '-buildvcs=true', '-gcflags=all=-N -l', '-o', '{{.Output}}', './src']);
  });

  it.each([
    ['inline', '["-o=bin/other"]'],
    ['two-element', '["-o", "bin/other"]'],
  ])('drops a worker -o (%s): the plan owns the output', (_label, flags) => {
    const job = planBuild(makeWorker(`  flags: ${flags}\n`), PROD);
    expect(job.exec!.filter((a) => a.includes('bin/other'))).toEqual([]);
    expect(job.exec!.filter((a) => a === '-o' || a.startsWith('-o='))).toEqual(['-o']);
    expect(job.exec!.slice(-3)).toEqual(['-o', '{{.Output}}', './src']);
  });

  it('keeps the seed example flags, with a single -ldflags', () => {
    const w = makeWorker('  flags:\n    - "-ldflags=-s -w"\n    - "-trimpath"\n    - "-buildmode=exe"\n');
    const exec = planBuild(w, PROD).exec!;
    expect(exec.filter((a) => a.startsWith('-ldflags'))).toEqual([`-ldflags=-s -w -s -w ${STAMPS}`]);
    expect(exec.filter((a) => a === '-trimpath')).toHaveLength(1);
    expect(exec).toContain('-buildmode=exe');
  });

  // Regression (go-flags.ts JOINED.gcflags, reached through build.ts modeFlags, fixed): the dev build's own
  // `-gcflags=all=-N -l` and a worker's `-gcflags=all=-m` become `-gcflags=all=-N -l all=-m`, so the
  // compiler is handed the file name "all=-m" and every package fails ("open all=-m: no such file or directory").
  it('keeps a worker -gcflags with a package pattern valid in the dev build', () => {
    const exec = planBuild(makeWorker('  flags: ["-gcflags=all=-m"]\n'), BUILD).exec!;
    const gcflags = exec.filter((a) => a.startsWith('-gcflags='));
    expect(gcflags.length).toBeGreaterThan(0);
    for (const f of gcflags) expect(f).not.toMatch(/\sall=/);
  });

  it('throws on a malformed worker flag', () => {
    expect(() => planBuild(makeWorker('  flags: ["trimpath"]\n'), BUILD)).toThrow('"trimpath"');
  });
});

describe('planBuild environment', () => {
  it.each<[string, string, BuildKind, Record<string, string>]>([
    ['worker env on a dev build', '  env: { GOFLAGS: -mod=mod, GOOS: linux }\n', BUILD, { CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOOS: 'linux' }],
    ['worker env turns cgo on for a dev build', '  env: { CGO_ENABLED: "1" }\n', BUILD, { CGO_ENABLED: '1' }],
    ['worker env overrides static CGO_ENABLED', '  env: { CGO_ENABLED: "1" }\n', PROD, { CGO_ENABLED: '1' }],
    ['worker env beside static CGO_ENABLED', '  env: { GOAMD64: v3 }\n', PROD, { CGO_ENABLED: '0', GOAMD64: 'v3' }],
    ['cross platform overrides worker GOOS/GOARCH', '  env: { GOOS: plan9, GOARCH: "386", GOAMD64: v3 }\n', cross('linux', 'arm64'), { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm64', GOAMD64: 'v3' }],
    ['cross disables cgo even when the worker enables it', '  env: { CGO_ENABLED: "1" }\n', cross('linux', 'arm64'), { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm64' }],
    ['cross with cgo: true enables cgo', '  cross_compile: { cgo: true }\n', cross('linux', 'arm64'), { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'arm64' }],
    ['cross with cgo: true keeps the worker value', '  env: { CGO_ENABLED: "0" }\n  cross_compile: { cgo: true }\n', cross('darwin', 'arm64'), { CGO_ENABLED: '0', GOOS: 'darwin', GOARCH: 'arm64' }],
  ])('%s', (_label, build, kind, env) => {
    expect(planBuild(makeWorker(build), kind).env).toEqual(env);
  });

  it('does not modify the worker settings', () => {
    const w = makeWorker('  env: { GOOS: plan9 }\n');
    planBuild(w, cross('linux', 'amd64'));
    planBuild(w, PROD);
    expect(w.settings.env).toEqual({ GOOS: 'plan9' });
  });
});

describe('planBuild working directory and main package', () => {
  it.each<[string, string, string, string]>([
    ['.', 'src', 'workers/api', './src'],
    ['.', '.', 'workers/api', '.'],
    ['src', 'src', 'workers/api/src', '.'],
    ['src', '.', 'workers/api/src', '..'],
    ['cmd', 'src', 'workers/api/cmd', '../src'],
    ['.', 'cmd/server', 'workers/api', './cmd/server'],
    ['cmd', 'cmd/server', 'workers/api/cmd', './server'],
  ])('dir %j with main %j runs in %s on %s', (dir, mainDir, cwd, arg) => {
    const w = makeWorker(`  dir: "${dir}"\n`, { mainDir });
    for (const kind of [BUILD, PROD, cross('linux', 'amd64')]) {
      const job = planBuild(w, kind);
      expect(job.cwd).toBe(cwd);
      expect(job.exec![job.exec!.length - 1]).toBe(arg);
    }
  });

  it('resolves a dir written as "./src/" to the same directory and main package', () => {
    const job = planBuild(makeWorker('  dir: "./src/"\n'), BUILD);
    expect(posix.resolve('/ws', job.cwd)).toBe('/ws/workers/api/src');
    expect(job.exec![job.exec!.length - 1]).toBe('.');
  });

  it('keeps outputs relative to the worker root whatever dir is', () => {
    const w = makeWorker('  dir: src\n');
    expect(planBuild(w, BUILD).output).toBe('workers/api/bin/api');
    expect(planBuild(w, PROD).output).toBe('workers/api/dist/api');
  });

  it('handles a worker at the workspace root', () => {
    const w = makeWorker(null, { name: 'app', root: '.', mainDir: '.' });
    const job = planBuild(w, BUILD);
    expect(job.cwd).toBe('.');
    expect(job.output).toBe('bin/app');
    expect(job.exec![job.exec!.length - 1]).toBe('.');
  });
});

describe('planBuild with a build command', () => {
  const w = makeWorker('  command: "go build -o bin/api src/*.go"\n  env: { GOOS: linux }\n  flags: ["-trimpath"]\n  validate: true\n');

  it('runs the command instead of go build, for `build` only', () => {
    expect(planBuild(w, BUILD)).toEqual({
      cwd: 'workers/api',
      shell: 'go build -o bin/api src/*.go',
      env: { CGO_ENABLED: '0', GOOS: 'linux' },
      output: 'workers/api/bin/api',
      stamp: false,
      validate: false,
    });
  });

  it.each([PROD, cross('linux', 'amd64')])('plans go build for %j', (kind) => {
    const job = planBuild(w, kind);
    expect(job.shell).toBeUndefined();
    expect(job.exec!.slice(0, 2)).toEqual(['go', 'build']);
    expect(job.exec).toContain('-trimpath');
    expect(job.validate).toBe(true);
  });
});

describe('planBuild with vendored modules', () => {
  it.each<[string, string | null, BuildKind, boolean, string | undefined]>([
    ['vendored dev build', null, BUILD, true, '-mod=vendor'],
    ['vendored prod build', null, PROD, true, '-mod=vendor'],
    ['vendored cross build', null, cross('linux', 'arm64'), true, '-mod=vendor'],
    ['not vendored', null, PROD, false, undefined],
    ['vendored, user chose -mod=mod', '  flags: ["-mod=mod"]\n', PROD, true, '-mod=mod'],
    ['vendored, user chose -mod readonly (two elements)', '  flags: ["-mod", "readonly"]\n', BUILD, true, '-mod=readonly'],
    ['not vendored, user chose -mod=vendor', '  flags: ["-mod=vendor"]\n', BUILD, false, '-mod=vendor'],
  ])('%s', (_label, build, kind, vendored, expected) => {
    const exec = planBuild(makeWorker(build), kind, { vendored }).exec!;
    const mods = exec.filter((a) => a.startsWith('-mod'));
    expect(mods).toEqual(expected === undefined ? [] : [expected]);
    expect(exec.slice(-3)).toEqual(['-o', '{{.Output}}', './src']);
  });
});

describe('planBuild validation', () => {
  it.each<[string, string | null, BuildKind, boolean | 'auto']>([
    ['dev builds never validate', '  validate: true\n', BUILD, false],
    ['prod defaults to auto', null, PROD, 'auto'],
    ['prod validate: true', '  validate: true\n', PROD, true],
    ['prod validate: false', '  validate: false\n', PROD, false],
    ['cross validate: false', '  validate: false\n', cross('linux', 'amd64'), false],
  ])('%s', (_label, build, kind, expected) => {
    expect(planBuild(makeWorker(build), kind).validate).toBe(expected);
  });

  // Validation does not depend on stamping: unstamped, the binary must still exit 0 on --version.
  const UNSTAMPED = SEED_SERVER.replace('include_debug: true }', 'include_debug: true, stamp: true }').replace('static: true }', 'static: true, stamp: false }');
  it.each<[string, string | null, BuildKind, boolean | 'auto']>([
    ['prod validate: true', '  validate: true\n', PROD, true],
    ['prod defaults to auto', null, PROD, 'auto'],
    ['cross validate: true', '  validate: true\n', cross('linux', 'arm64'), true],
    ['cross defaults to auto', null, cross('linux', 'arm64'), 'auto'],
    ['prod validate: false', '  validate: false\n', PROD, false],
    ['a stamped dev build still never validates', '  validate: true\n', BUILD, false],
  ])('unstamped production, stamped development: %s', (_label, build, kind, expected) => {
    const job = planBuild(makeWorker(build, { server: UNSTAMPED }), kind);
    expect(job.stamp).toBe(kind.target === 'build');
    expect(job.validate).toBe(expected);
  });
});

describe('platforms', () => {
  const names = (ps: Platform[]) => ps.map((p) => `${p.goos}/${p.goarch}`);

  it.each<[string, string | undefined, string | null, string[]]>([
    ['the seed matrix by default', undefined, null, ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64']],
    ['minus server ignores', 'build:\n  cross_compile: { ignore: [windows/amd64, darwin/amd64] }\n', null, ['linux/amd64', 'linux/arm64', 'darwin/arm64']],
    ['minus worker ignores', undefined, '  cross_compile: { ignore: [linux/arm64] }\n', ['linux/amd64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64']],
    [
      'minus both ignores',
      'build:\n  cross_compile: { ignore: [windows/amd64] }\n',
      '  cross_compile: { ignore: [linux/arm64] }\n',
      ['linux/amd64', 'darwin/amd64', 'darwin/arm64'],
    ],
    ['the server matrix', 'build:\n  cross_compile: { platforms: [freebsd/amd64, linux/riscv64] }\n', null, ['freebsd/amd64', 'linux/riscv64']],
    [
      'the worker matrix over the server matrix, with the server ignores applied',
      'build:\n  cross_compile: { platforms: [freebsd/amd64], ignore: [linux/386] }\n',
      '  cross_compile: { platforms: [linux/386, linux/amd64, js/wasm] }\n',
      ['linux/amd64', 'js/wasm'],
    ],
    ['an ignore of an absent platform changes nothing', undefined, '  cross_compile: { ignore: [plan9/arm] }\n', ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64']],
    ['everything ignored', 'build:\n  cross_compile: { platforms: [linux/amd64] }\n', '  cross_compile: { ignore: [linux/amd64] }\n', []],
  ])('%s', (_label, server, build, expected) => {
    expect(names(platforms(makeWorker(build, { server })))).toEqual(expected);
  });
});

describe('outputPath', () => {
  it.each<[BuildKind, string]>([
    [BUILD, 'libs/x/bin/x'],
    [PROD, 'libs/x/dist/x'],
    [cross('linux', 'amd64'), 'libs/x/dist/x-linux-amd64'],
    [cross('windows', '386'), 'libs/x/dist/x-windows-386.exe'],
  ])('%j → %s', (kind, expected) => {
    expect(outputPath({ name: 'x', root: 'libs/x' }, kind)).toBe(expected);
  });
});

describe('describeJob', () => {
  it('prints the development command line with the output filled in', () => {
    expect(describeJob(planBuild(makeWorker(), BUILD))).toBe("(in workers/api) CGO_ENABLED=0 go build -buildvcs=false '-gcflags=all=-N -l' -o workers/api/bin/api ./src");
  });

  it('prints the environment first, and quotes what a shell would split', () => {
    expect(describeJob(planBuild(makeWorker(), cross('windows', 'amd64')))).toBe(
      "(in workers/api) CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -buildvcs=false -trimpath -tags=production " +
        `'-ldflags=-s -w ${STAMPS}' -o workers/api/dist/api-windows-amd64.exe ./src`,
    );
  });

  it('prints a shell command as written', () => {
    const job = planBuild(makeWorker('  command: "go build -o bin/api src/*.go"\n  env: { NAME: "a b" }\n'), BUILD);
    expect(describeJob(job)).toBe("(in workers/api) CGO_ENABLED=0 NAME='a b' go build -o bin/api src/*.go");
  });

  it.each([
    ['a single quote', "it's", `'it'\\''s'`],
    ['an empty string', '', "''"],
    ['a dollar sign', '$HOME', "'$HOME'"],
    ['a plain word', 'plain-word_1.2/x', 'plain-word_1.2/x'],
  ])('quotes %s', (_label, value, shown) => {
    expect(describeJob({ cwd: 'w', exec: ['go', 'build', value], env: {}, output: 'o' })).toBe(`(in w) go build ${shown}`);
  });
});

describe('flagFiles', () => {
  const settings = (flags: string[], dir = '.') => ({ flags, dir, file: 'workers/api/config.yaml' });
  it.each<[string[], string, string[]]>([
    [['-pgo=cpu.pgo'], '.', ['workers/api/cpu.pgo']],
    [['-pgo', 'prof/cpu.pgo'], 'src', ['workers/api/src/prof/cpu.pgo']],
    [['-pgo=auto'], '.', []],
    [['-pgo=off'], '.', []],
    [['-modfile=alt.mod'], '.', ['workers/api/alt.mod', 'workers/api/alt.sum']],
    [['-trimpath'], '.', []],
  ])('%j in dir %s names %j', (flags, dir, files) => {
    expect(flagFiles('workers/api', settings(flags, dir))).toEqual(files);
  });

  it.each([
    [['-overlay=overlay.json'], 'workers/api/config.yaml: build.flags: -overlay is not supported: the files an overlay substitutes'],
    [['-C', 'src'], 'workers/api/config.yaml: build.flags: -C is not supported: it moves the build out of the planned directory; set build.dir instead'],
    [['-pgo=/tmp/cpu.pgo'], 'names a file outside the workspace, which Nx cannot hash'],
    [['-modfile=../../../alt.mod'], 'names a file outside the workspace, which Nx cannot hash'],
  ])('refuses %j', (flags, message) => {
    expect(() => flagFiles('workers/api', settings(flags))).toThrow(message);
  });
});
