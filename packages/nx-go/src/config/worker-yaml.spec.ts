// Specifies the reading of TQServer's worker.yaml (type, enabled), the choice between two build: sections, and workers.directory.
import { parseServerSettings } from './settings';
import { pos, problemsOf } from './config-errors.spec-support';
import { parseBuildSettings, parseWorkerYaml, workersDirectory, type BuildConfigTexts } from './worker-yaml';

const FILE = 'workers/hello/config/worker.yaml';
const server = parseServerSettings(null, null);

describe('parseWorkerYaml', () => {
  it.each([
    ['no type', 'path: /x\n', 'go'],
    ['empty type', 'type: ""\n', 'go'],
    ['null type', 'type:\n', 'go'],
    ['go', 'type: go\n', 'go'],
    ['bun', 'type: "bun"\n', 'bun'],
    ['php', 'type: php\n', 'php'],
  ])('type: %s', (_name, text, type) => {
    expect(parseWorkerYaml(FILE, text).type).toBe(type);
  });

  it.each([
    ['absent', 'path: /x\n', 'always'],
    ['"true"', 'enabled: "true"\n', 'always'],
    ['true (a YAML boolean)', 'enabled: true\n', 'always'],
    ['"false"', 'enabled: "false"\n', 'never'],
    ['false (a YAML boolean, which TQServer reads as "false")', 'enabled: false\n', 'never'],
    ['"development"', 'enabled: "development"\n', 'development'],
    ['"yes" (anything else enables)', 'enabled: "yes"\n', 'always'],
    ['"False" (only the exact string disables)', 'enabled: "False"\n', 'always'],
  ])('enabled: %s', (_name, text, enabled) => {
    expect(parseWorkerYaml(FILE, text).enabled).toBe(enabled);
  });

  it("accepts TQServer's runtime keys and keys it does not know", () => {
    const text = [
      'path: "/hello"', 'name: hello', 'go:', '  go_max_procs: 2', 'bun:', '  entrypoint: index.ts', '  env:', '    A: b',
      'php:', '  pool:', '    manager: dynamic', 'scaling:', '  min_workers: 1', 'timeouts:', '  request: 10s', 'runtime: {}',
      'logging:', '  log_file: x', 'log_file: y', 'document_root: public', 'something_new: 1', '',
    ].join('\n');
    expect(parseWorkerYaml(FILE, text)).toEqual({ type: 'go', enabled: 'always', hasBuild: false });
  });

  it('reports a bad type and a bad enabled together, each at its line and column', () => {
    const text = 'path: /x\ntype: rust\nenabled:\n  - a\n';
    expect(problemsOf(() => parseWorkerYaml(FILE, text))).toEqual([
      `${FILE}:${pos(text, 'rust')}: type: "rust" is not valid; expected go, bun or php (empty means go)`,
      `${FILE}:${pos(text, '- a')}: enabled: a list is not valid; expected "true", "false" or "development"`,
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const problems = problemsOf(() => parseWorkerYaml(FILE, 'type: [go\n'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${FILE}:\\d+:\\d+: YAML syntax error`));
  });

  it('says whether there is a build: section', () => {
    expect(parseWorkerYaml(FILE, 'type: go\nbuild:\n  timeout: 5s\n').hasBuild).toBe(true);
  });
});

describe('parseBuildSettings', () => {
  const texts = (config: string | null, worker: string | null): BuildConfigTexts => ({
    configYaml: { file: 'workers/hello/config.yaml', text: config },
    workerYaml: { file: FILE, text: worker },
  });

  it('reads build: from worker.yaml', () => {
    const s = parseBuildSettings(texts(null, 'type: go\nbuild:\n  timeout: 5s\n  flags: ["-tags=x"]\n'), server);
    expect(s.file).toBe(FILE);
    expect(s.timeoutMs).toBe(5000);
    expect(s.flags).toEqual(['-tags=x']);
  });

  it("reads build: from the seed's config.yaml when worker.yaml has none", () => {
    const s = parseBuildSettings(texts('build:\n  timeout: 7s\n', 'type: go\n'), server);
    expect(s.file).toBe('workers/hello/config.yaml');
    expect(s.timeoutMs).toBe(7000);
  });

  it('uses the defaults when neither has build:', () => {
    const s = parseBuildSettings(texts(null, 'type: go\npath: /x\n'), server);
    expect(s.timeoutMs).toBe(server.timeoutMs);
    expect(s.flags).toEqual([]);
  });

  it('refuses two build: sections, naming both files', () => {
    expect(problemsOf(() => parseBuildSettings(texts('build:\n  timeout: 7s\n', 'build:\n  timeout: 5s\n'), server))).toEqual([
      `workers/hello/config.yaml and ${FILE} both have a build: section; keep the build settings in one of them`,
    ]);
  });

  it('validates build: in worker.yaml strictly, with file:line:col', () => {
    const text = 'type: go\nbuild:\n  timeout: sixty\n  colour: blue\n';
    expect(problemsOf(() => parseBuildSettings(texts(null, text), server))).toEqual([
      `${FILE}:${pos(text, 'sixty')}: build.timeout: "sixty" is not valid; expected a Go duration such as 60s, 1m30s or 500ms`,
      `${FILE}:${pos(text, 'colour')}: build.colour: unknown key; expected one of command, timeout, dir, env, flags, sources, exclude, main, validate, cross_compile`,
    ]);
  });
});

describe('workersDirectory', () => {
  it.each([
    ['no file', null, undefined],
    ['no workers section', 'server:\n  port: 8080\n', undefined],
    ['workers without directory', 'workers:\n  port_range_start: 9000\n', undefined],
    ['a directory', 'workers:\n  directory: "apps"\n', 'apps'],
    ['a ./ directory with a trailing slash', 'workers:\n  directory: ./services/\n', 'services'],
    ['an empty directory', 'workers:\n  directory: ""\n', undefined],
    ['broken YAML', 'workers: [\n', undefined],
  ])('%s', (_name, text, expected) => {
    expect(workersDirectory('config/server.yaml', text)).toBe(expected);
  });
});
