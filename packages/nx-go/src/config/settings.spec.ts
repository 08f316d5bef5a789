// Specifies how config/server.yaml and workers/<name>/config.yaml become typed settings, defaults and errors included.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  DEFAULT_PLATFORMS,
  loadServerSettings,
  loadWorkerSettings,
  parsePlatform,
  parseServerSettings,
  parseWorkerSettings,
  type ServerSettings,
} from './settings';
import { pos, problemsOf } from './config-errors.spec-support';


// The seed's config/server.yaml, verbatim (docs: Global Build Configuration).
const SEED_SERVER_YAML = `
build:
  # Default build settings for all workers
  defaults:
    timeout: 60s
    parallel: true            # Build workers in parallel
    max_parallel: 4           # Max concurrent builds

  # Cache settings
  cache:
    enabled: true
    dir: ".cache/build"

  # Development mode settings
  development:
    optimize: false           # Fast builds
    include_debug: true       # Include debug symbols

  # Production mode settings
  production:
    optimize: true            # Optimized builds
    include_debug: false      # Strip debug symbols
    static: true              # Static linking
`;

// The seed's workers/api/config.yaml, verbatim (docs: Worker Build Config).
const SEED_WORKER_YAML = `
build:
  # Build command (optional, defaults to go build)
  command: "go build -o bin/api src/*.go"

  # Build timeout
  timeout: 60s

  # Working directory (defaults to worker directory)
  dir: "."

  # Environment variables for build
  env:
    CGO_ENABLED: "0"
    GOOS: "linux"
    GOARCH: "amd64"

  # Build flags
  flags:
    - "-ldflags=-s -w"        # Strip debug info
    - "-trimpath"             # Remove file paths
    - "-buildmode=exe"

  # Source patterns to watch
  sources:
    - "src/**/*.go"
    - "go.mod"
    - "go.sum"

  # Files to exclude
  exclude:
    - "**/*_test.go"
    - "**/testdata/**"
`;

const defaults = parseServerSettings(null, null);

describe('parseServerSettings', () => {
  it('applies the seed defaults when server.yaml does not exist', () => {
    expect(defaults).toEqual({
      file: null,
      timeoutMs: 60_000,
      parallel: true,
      maxParallel: 4,
      cache: { enabled: true, dir: undefined },
      development: { optimize: false, includeDebug: true, static: true, stamp: false },
      production: { optimize: true, includeDebug: false, static: true, stamp: true },
      crossCompile: { platforms: DEFAULT_PLATFORMS, ignore: [] },
    });
    expect(DEFAULT_PLATFORMS.map((p) => `${p.goos}/${p.goarch}`)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'darwin/amd64',
      'darwin/arm64',
      'windows/amd64',
    ]);
  });

  it('parses the seed example to the same values as the defaults, remembering the file', () => {
    // Except the cache directory, which only an explicit cache.dir sets (see the init generator).
    expect(parseServerSettings('config/server.yaml', SEED_SERVER_YAML)).toEqual({
      ...defaults,
      cache: { enabled: true, dir: '.cache/build' },
      file: 'config/server.yaml',
    });
  });

  it('reads every key when set away from its default', () => {
    const text = `
build:
  defaults: { timeout: 2m, parallel: false, max_parallel: 8 }
  cache: { enabled: false, dir: /tmp/c }
  development: { optimize: true, include_debug: false, static: true, stamp: true }
  production: { optimize: false, include_debug: true, static: false, stamp: false }
  cross_compile:
    platforms: [linux/amd64, freebsd/arm64]
    ignore: [linux/amd64]
`;
    expect(parseServerSettings('s.yaml', text)).toEqual({
      file: 's.yaml',
      timeoutMs: 120_000,
      parallel: false,
      maxParallel: 8,
      cache: { enabled: false, dir: '/tmp/c' },
      development: { optimize: true, includeDebug: false, static: true, stamp: true },
      production: { optimize: false, includeDebug: true, static: false, stamp: false },
      crossCompile: {
        platforms: [parsePlatform('linux/amd64'), { goos: 'freebsd', goarch: 'arm64' }],
        ignore: [{ goos: 'linux', goarch: 'amd64' }],
      },
    });
  });

  it('fills in unset keys of a partially written mode', () => {
    const s = parseServerSettings('s.yaml', 'build:\n  production:\n    static: false\n');
    expect(s.production).toEqual({ optimize: true, includeDebug: false, static: false, stamp: true });
    expect(s.development).toEqual(defaults.development);
  });

  it('ignores the other sections of the server config', () => {
    const s = parseServerSettings('s.yaml', 'server:\n  port: 8080\nworkers:\n  - api\nbuild:\n  defaults:\n    timeout: 5s\n');
    expect(s.timeoutMs).toBe(5000);
  });

  it.each([
    ['max_parallel: 0', 'build:\n  defaults:\n    max_parallel: 0\n', 'build.defaults.max_parallel', '0'],
    ['max_parallel: 2.5', 'build:\n  defaults:\n    max_parallel: 2.5\n', 'build.defaults.max_parallel', '2.5'],
    ['timeout: 60', 'build:\n  defaults:\n    timeout: 60\n', 'build.defaults.timeout', '60'],
    ['parallel: "yes"', 'build:\n  defaults:\n    parallel: "yes"\n', 'build.defaults.parallel', '"yes"'],
    ['platforms: ["linux"]', 'build:\n  cross_compile:\n    platforms: ["linux"]\n', 'build.cross_compile.platforms', '"linux"'],
    ['ignore: linux/amd64', 'build:\n  cross_compile:\n    ignore: linux/amd64\n', 'build.cross_compile.ignore', '"linux/amd64"'],
    ['unknown mode key', 'build:\n  production:\n    strip: true\n', 'build.production.strip', 'strip'],
  ])('rejects %s with file:line:col, key, value and "expected"', (_label, text, key, value) => {
    const problems = problemsOf(() => parseServerSettings('config/server.yaml', text));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^config\/server\.yaml:3:\d+: /);
    expect(problems[0]).toContain(` ${key}`);
    expect(problems[0]).toContain(value);
    expect(problems[0]).toContain('expected');
  });
});

describe('parseWorkerSettings', () => {
  const workerDefaults = {
    file: null,
    command: undefined,
    timeoutMs: 60_000,
    dir: '.',
    env: {},
    flags: [],
    sources: undefined,
    exclude: [],
    main: undefined,
    validate: undefined,
    crossCompile: { platforms: undefined, ignore: [], cgo: false },
    jobs: {},
    deps: [],
  };

  it('applies defaults for a worker without config.yaml', () => {
    expect(parseWorkerSettings(null, null, defaults)).toEqual(workerDefaults);
    expect(parseWorkerSettings('workers/api/config.yaml', null, defaults).file).toBeNull();
  });

  it.each([
    ['no build section', 'name: api\nport: 8080\n'],
    ['an empty build section', 'name: api\nbuild:\n'],
    ['an empty file', ''],
  ])('applies defaults for a config.yaml with %s, remembering the file', (_label, text) => {
    expect(parseWorkerSettings('workers/api/config.yaml', text, defaults)).toEqual({ ...workerDefaults, file: 'workers/api/config.yaml' });
  });

  it.each([
    ['the default server timeout', defaults, 60_000],
    ['a configured server timeout', parseServerSettings('s.yaml', 'build:\n  defaults:\n    timeout: 90s\n'), 90_000],
  ])('takes %s when the worker sets none', (_label, server: ServerSettings, ms) => {
    expect(parseWorkerSettings('w/config.yaml', 'build:\n  dir: src\n', server).timeoutMs).toBe(ms);
  });

  it("prefers the worker's timeout to the server's", () => {
    const server = parseServerSettings('s.yaml', 'build:\n  defaults:\n    timeout: 90s\n');
    expect(parseWorkerSettings('w/config.yaml', 'build:\n  timeout: 2m\n', server).timeoutMs).toBe(120_000);
  });

  it('parses the seed example worker config', () => {
    expect(parseWorkerSettings('workers/api/config.yaml', SEED_WORKER_YAML, defaults)).toEqual({
      file: 'workers/api/config.yaml',
      command: 'go build -o bin/api src/*.go',
      timeoutMs: 60_000,
      dir: '.',
      env: { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64' },
      flags: ['-ldflags=-s -w', '-trimpath', '-buildmode=exe'],
      sources: ['src/**/*.go', 'go.mod', 'go.sum'],
      exclude: ['**/*_test.go', '**/testdata/**'],
      main: undefined,
      validate: undefined,
      crossCompile: { platforms: undefined, ignore: [], cgo: false },
      jobs: {},
      deps: [],
    });
  });

  it('ignores the top-level name and port of a worker config', () => {
    const s = parseWorkerSettings('w/config.yaml', 'name: api\nport: 8080\nbuild:\n  timeout: 5s\nroutes: [/a]\n', defaults);
    expect(s.timeoutMs).toBe(5000);
  });

  it('reads main, validate, and the worker cross_compile section', () => {
    const text = 'build:\n  main: cmd/server\n  validate: false\n  cross_compile:\n    platforms: [linux/arm64]\n    ignore: [darwin/amd64]\n    cgo: true\n';
    const s = parseWorkerSettings('w/config.yaml', text, defaults);
    expect(s.main).toBe('cmd/server');
    expect(s.validate).toBe(false);
    expect(s.crossCompile).toEqual({ platforms: [{ goos: 'linux', goarch: 'arm64' }], ignore: [{ goos: 'darwin', goarch: 'amd64' }], cgo: true });
  });

  it('stringifies scalar env values as a shell would see them', () => {
    const s = parseWorkerSettings('w/config.yaml', 'build:\n  env:\n    CGO_ENABLED: 0\n    DEBUG: true\n    NAME: x y\n', defaults);
    expect(s.env).toEqual({ CGO_ENABLED: '0', DEBUG: 'true', NAME: 'x y' });
  });

  it.each([
    ['.', '.'],
    ['src', 'src'],
    ['./cmd/server', './cmd/server'],
    ['src/../cmd', 'src/../cmd'],
  ])('accepts dir %j inside the worker', (dir, expected) => {
    expect(parseWorkerSettings('w/config.yaml', `build:\n  dir: "${dir}"\n`, defaults).dir).toBe(expected);
  });

  // Regression (settings.ts, isRelativeInside, fixed): `normalize(s).startsWith('..')` also rejects names that merely begin
  // with two dots, such as the directory `..generated`, which is inside the worker.
  it('accepts a directory whose name begins with two dots', () => {
    expect(parseWorkerSettings('w/config.yaml', 'build:\n  dir: "..generated"\n', defaults).dir).toBe('..generated');
  });

  type Bad = [label: string, body: string, needle: string, key: string, value: string];
  it.each<Bad>([
    ['an unknown key', '  tiemout: 60s', 'tiemout', 'build.tiemout', 'tiemout'],
    ['timeout as a number', '  timeout: 60', '60', 'build.timeout', '60'],
    ['timeout as a word', '  timeout: sixty', 'sixty', 'build.timeout', '"sixty"'],
    ['timeout of zero', '  timeout: 0s', '0s', 'build.timeout', '"0s"'],
    ['negative timeout', '  timeout: -1s', '-1s', 'build.timeout', '"-1s"'],
    ['flags as a string', '  flags: "x"', '"x"', 'build.flags', '"x"'],
    ['a flag that is a number', '  flags: [-trimpath, 3]', '3]', 'build.flags[1]', '3'],
    ['an env value that is a list', '  env:\n    GOOS: [linux, darwin]', '[linux', 'build.env.GOOS', 'a list'],
    ['an env value that is a mapping', '  env:\n    GOOS: {a: b}', '{a', 'build.env.GOOS', 'a mapping'],
    ['env as a list', '  env: [GOOS=linux]', '[GOOS', 'build.env', 'a list'],
    ['a platform without an arch', '  cross_compile:\n    platforms: ["linux"]', '"linux"', 'build.cross_compile.platforms[0]', '"linux"'],
    ['a platform with upper case', '  cross_compile:\n    ignore: [Linux/AMD64]', 'Linux', 'build.cross_compile.ignore[0]', '"Linux/AMD64"'],
    ['cgo as a string', '  cross_compile:\n    cgo: "yes"', '"yes"', 'build.cross_compile.cgo', '"yes"'],
    ['dir leaving the worker', '  dir: "../x"', '"../x"', 'build.dir', '"../x"'],
    ['dir leaving after normalising', '  dir: "src/../../x"', '"src', 'build.dir', '"src/../../x"'],
    ['an absolute dir', '  dir: /etc', '/etc', 'build.dir', '"/etc"'],
    ['dir as a number', '  dir: 5', '5', 'build.dir', '5'],
    ['a source leaving the worker', '  sources: ["../shared/**"]', '"../shared', 'build.sources[0]', '"../shared/**"'],
    ['validate as a string', '  validate: "no"', '"no"', 'build.validate', '"no"'],
    ['command as a list', '  command: [go, build]', '[go', 'build.command', 'a list'],
  ])('rejects %s with file:line:col, key, value and "expected"', (_label, body, needle, key, value) => {
    const text = `name: api\nport: 8080\nbuild:\n${body}\n`;
    const problems = problemsOf(() => parseWorkerSettings('workers/api/config.yaml', text, defaults));
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    expect(problem.startsWith(`workers/api/config.yaml:${pos(text, needle)}: ${key}: `)).toBe(true);
    expect(problem).toContain(value);
    expect(problem).toContain('expected');
  });

  it('rejects a YAML syntax error with file:line:col', () => {
    const text = 'name: api\nbuild:\n  timeout: 60s\n  flags: [-trimpath\n';
    const problems = problemsOf(() => parseWorkerSettings('workers/api/config.yaml', text, defaults));
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatch(/^workers\/api\/config\.yaml:\d+:\d+: YAML syntax error/);
  });

  it('reports a syntax error in another section too (the whole file must be YAML)', () => {
    const problems = problemsOf(() => parseWorkerSettings('w/config.yaml', 'name: "api\nbuild:\n  timeout: 60s\n', defaults));
    expect(problems[0]).toMatch(/^w\/config\.yaml:\d+:\d+: YAML syntax error/);
  });

  it('reports every problem of one file', () => {
    const text = [
      'build:',
      '  timeout: 60',
      '  flags: "x"',
      '  env:',
      '    GOOS: [linux]',
      '  dir: "../x"',
      '  colour: red',
      '  cross_compile:',
      '    platforms: ["linux"]',
      '',
    ].join('\n');
    const problems = problemsOf(() => parseWorkerSettings('w/config.yaml', text, defaults));
    const keyed = problems.map((p) => p.split(': ').slice(0, 2).join(': '));
    expect(keyed.sort()).toEqual(
      [
        `w/config.yaml:${pos(text, '60')}: build.timeout`,
        `w/config.yaml:${pos(text, '"x"')}: build.flags`,
        `w/config.yaml:${pos(text, '[linux]')}: build.env.GOOS`,
        `w/config.yaml:${pos(text, '"../x"')}: build.dir`,
        `w/config.yaml:${pos(text, 'colour')}: build.colour`,
        `w/config.yaml:${pos(text, '"linux"')}: build.cross_compile.platforms[0]`,
      ].sort(),
    );
    for (const p of problems) expect(p).toContain('expected');
  });
});

describe('loadServerSettings / loadWorkerSettings', () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'nx-go-settings-'));
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('uses defaults and a null file when nothing exists', () => {
    const server = loadServerSettings(ws);
    expect(server).toEqual(defaults);
    expect(loadWorkerSettings(ws, 'workers/api', server).file).toBeNull();
  });

  it('reads both files, with workspace-relative paths in errors', () => {
    mkdirSync(join(ws, 'config'));
    mkdirSync(join(ws, 'workers', 'api'), { recursive: true });
    writeFileSync(join(ws, 'config', 'server.yaml'), 'build:\n  defaults:\n    timeout: 90s\n');
    writeFileSync(join(ws, 'workers', 'api', 'config.yaml'), 'build:\n  dir: src\n');
    const server = loadServerSettings(ws);
    expect(server.file).toBe('config/server.yaml');
    const worker = loadWorkerSettings(ws, 'workers/api', server);
    expect(worker).toMatchObject({ file: 'workers/api/config.yaml', dir: 'src', timeoutMs: 90_000 });

    writeFileSync(join(ws, 'workers', 'api', 'config.yaml'), 'build:\n  timeout: 60\n');
    const problems = problemsOf(() => loadWorkerSettings(ws, 'workers/api', server));
    expect(problems).toEqual([expect.stringMatching(/^workers\/api\/config\.yaml:2:12: build\.timeout: 60 is not valid; expected/)]);
  });

  it('reads a server config from another path', () => {
    writeFileSync(join(ws, 'build.yaml'), 'build:\n  defaults:\n    max_parallel: 2\n');
    expect(loadServerSettings(ws, 'build.yaml')).toMatchObject({ file: 'build.yaml', maxParallel: 2 });
  });
});

