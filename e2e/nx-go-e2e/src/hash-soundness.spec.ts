// The invariant, case by case: a change that alters a binary misses the cache, and nothing else does.
import { fromCache, Workspace } from './support/workspace';

type Change = { name: string; project: string; apply: (ws: Workspace) => void; env?: Record<string, string> };

const append = (rel: string, text: string) => (ws: Workspace) => ws.write(rel, ws.read(rel) + text);
const replace = (rel: string, from: string, to: string) => (ws: Workspace) => {
  const before = ws.read(rel);
  if (!before.includes(from)) throw new Error(`${rel} does not contain ${from}`);
  ws.write(rel, before.replace(from, to));
};

const MISSES: Change[] = [
  { name: 'a worker source file', project: 'api', apply: append('workers/api/src/main.go', '\nvar _ = "edited"\n') },
  { name: 'an embedded file', project: 'api', apply: (ws) => ws.write('workers/api/src/banner.txt', 'TQServer api v2\n') },
  { name: 'go.mod', project: 'api', apply: replace('workers/api/go.mod', 'go 1.22', 'go 1.23') },
  { name: 'go.sum', project: 'api', apply: (ws) => ws.write('workers/api/go.sum', 'example.com/x v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n') },
  { name: 'config.yaml flags', project: 'api', apply: replace('workers/api/config.yaml', '- "-buildmode=exe"', '- "-buildmode=exe"\n    - "-ldflags=-X main.Version=flagged"') },
  { name: 'config.yaml env', project: 'api', apply: replace('workers/api/config.yaml', 'CGO_ENABLED: "0"', 'CGO_ENABLED: "0"\n    GOAMD64: v2') },
  { name: 'a config/server.yaml mode setting', project: 'api', apply: replace('config/server.yaml', 'optimize: false', 'optimize: true') },
  { name: 'GOOS in the environment', project: 'api', apply: () => undefined, env: { GOOS: 'freebsd' } },
  { name: 'GOARCH in the environment', project: 'api', apply: () => undefined, env: { GOARCH: 'arm64' } },
  { name: 'GOFLAGS in the environment', project: 'api', apply: () => undefined, env: { GOFLAGS: '-tags=extra' } },
  { name: 'CGO_ENABLED in the environment (auth does not pin it)', project: 'auth', apply: () => undefined, env: { CGO_ENABLED: '0' } },
  { name: 'a dependency library source', project: 'api', apply: replace('libs/shared/shared.go', '"hello"', '"hi"') },
  { name: 'a transitive dependency library source', project: 'api', apply: replace('libs/textfmt/textfmt.go', '" "', '"  "') },
  { name: 'go.work', project: 'api', apply: (ws) => ws.write('go.work', 'go 1.22\n\nuse (\n\t./workers/api\n\t./libs/shared\n\t./libs/textfmt\n)\n') },
];

const HITS: Change[] = [
  { name: "the worker's README", project: 'api', apply: (ws) => ws.write('workers/api/README.md', '# api\n') },
  { name: 'a _test.go file', project: 'api', apply: append('workers/api/src/main_test.go', '\n// more tests soon\n') },
  { name: 'testdata/', project: 'api', apply: (ws) => ws.write('workers/api/src/testdata/case.json', '{}\n') },
  { name: "another worker's source", project: 'api', apply: append('workers/auth/src/main.go', '\nvar _ = "edited"\n') },
  { name: "the worker's own bin/", project: 'api', apply: (ws) => ws.write('workers/api/bin/stray', 'x') },
  { name: 'a library that the worker does not import', project: 'auth', apply: replace('libs/shared/shared.go', '"hello"', '"hi"') },
  { name: 'a non-build section of config.yaml', project: 'api', apply: replace('workers/api/config.yaml', 'port: 8080', 'port: 9090') },
  { name: 'a library test file', project: 'api', apply: append('libs/shared/shared_test.go', '\n// more\n') },
];

describe('hash soundness', () => {
  let ws: Workspace;
  let baseline: string;
  beforeAll(() => {
    ws = Workspace.create();
    ws.nxOk(['run-many', '-t', 'build']);
    baseline = ws.git('rev-parse', 'HEAD');
  });
  afterAll(() => ws.destroy());

  /** Puts the tree back exactly as committed, so every case starts from the cached baseline. */
  function reset(): void {
    ws.git('reset', '-q', '--hard', baseline);
    ws.git('clean', '-qfdx', '-e', 'node_modules', '-e', '.nx', '-e', 'bin');
    ws.remove('workers/api/bin/stray');
  }

  it('starts from a fully cached baseline', () => {
    const r = ws.nxOk(['run-many', '-t', 'build']);
    expect(r.tasks.size).toBe(2);
    expect([...r.tasks.values()].every(fromCache)).toBe(true);
  });

  it.each(MISSES.map((c) => [c.name, c] as const))('a change to %s misses the cache', (_name, c) => {
    reset();
    c.apply(ws);
    const r = ws.nxOk(['build', c.project], c.env);
    expect(r.tasks.get(`${c.project}:build`)).toBe('miss');
    // And undoing it finds the baseline entry again: the hash depends on content, not history.
    reset();
    expect(fromCache(ws.nxOk(['build', c.project]).tasks.get(`${c.project}:build`))).toBe(true);
  });

  it.each(HITS.map((c) => [c.name, c] as const))('a change to %s hits the cache', (_name, c) => {
    reset();
    c.apply(ws);
    const r = ws.nxOk(['build', c.project], c.env);
    expect(fromCache(r.tasks.get(`${c.project}:build`))).toBe(true);
  });

  it('a change to an unrelated npm devDependency (package.json and lockfile) hits the cache', () => {
    reset();
    const lockBefore = ws.read('package-lock.json');
    const install = ws.run('npm', ['install', '-D', 'is-number@7.0.0', '--no-audit', '--no-fund', '--loglevel=error']);
    expect(install.status).toBe(0);
    expect(ws.read('package-lock.json')).not.toBe(lockBefore);
    const r = ws.nxOk(['run-many', '-t', 'build']);
    expect(r.tasks.size).toBe(2);
    expect([...r.tasks.values()].every(fromCache)).toBe(true);
  });

  it('nx affected selects exactly the workers that import a changed library, transitively', () => {
    reset();
    replace('libs/textfmt/textfmt.go', '" "', '"  "')(ws);
    ws.commit('change textfmt');
    const r = ws.nxOk(['affected', '-t', 'build', '--base=HEAD~1', '--head=HEAD']);
    expect([...r.tasks.keys()]).toEqual(['api:build']);
    const projects = JSON.parse(ws.nxOk(['show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD', '--json']).output);
    expect(projects.sort()).toEqual(['api', 'shared', 'textfmt']);
    ws.git('reset', '-q', '--hard', baseline);
  });

  it('shows worker -> library edges in the project graph, each with its importing file', () => {
    reset();
    ws.nxOk(['graph', '--file=graph.json']);
    const graph = JSON.parse(ws.read('graph.json')).graph;
    const edges = (p: string) => graph.dependencies[p].map((d: { target: string }) => d.target).sort();
    // api reaches textfmt only through shared: the graph holds direct imports, the hash follows them transitively.
    expect(edges('api')).toEqual(['shared']);
    expect(edges('shared')).toEqual(['textfmt']);
    expect(edges('auth')).toEqual([]);
  });
});
