// The invariant, case by case: a change that alters a binary misses the cache, and nothing else does.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GEN_VERSION, GEN_WORKER } from './support/jobs-worker';
import { fromCache, Workspace } from './support/workspace';

type Target = 'build' | 'test' | 'vendor' | `job-${string}`;
/** `apply` may return an undo for what `git reset --hard && git clean` cannot put back (kept ignored files). */
type Change = { name: string; project: string; target?: Target; apply: (ws: Workspace) => void | (() => void); env?: Record<string, string> };

const append = (rel: string, text: string) => (ws: Workspace) => ws.write(rel, ws.read(rel) + text);
const replace = (rel: string, from: string, to: string) => (ws: Workspace) => {
  const before = ws.read(rel);
  if (!before.includes(from)) throw new Error(`${rel} does not contain ${from}`);
  ws.write(rel, before.replace(from, to));
};
/** Edits a file that the reset keeps (a gitignored one), and returns the undo. */
const edit = (rel: string, from: string, to: string) => (ws: Workspace) => {
  const before = ws.read(rel);
  replace(rel, from, to)(ws);
  return () => ws.write(rel, before);
};

/** A cgo worker whose build.sources names only Go files, plus Go assembly, headers and a .syso object. */
const NATIVE: Record<string, string> = {
  'workers/native/go.mod': 'module example.com/tqserver/workers/native\n\ngo 1.22\n',
  'workers/native/config.yaml': 'build:\n  env:\n    CGO_ENABLED: "1"\n  sources: ["src/**/*.go"]\n',
  'workers/native/src/main.go':
    'package main\n\n// #include "bridge.h"\nimport "C"\n\nimport (\n\t"fmt"\n\n\t"example.com/tqserver/workers/native/src/asm"\n)\n\nfunc main() { fmt.Println(int(C.answer()), asm.Add(1, 2)) }\n',
  'workers/native/src/bridge.h': 'int answer(void);\n',
  'workers/native/src/bridge.c': '#include "bridge.h"\nint answer(void) { return 42; }\n',
  'workers/native/src/asm/add.go': '//go:build amd64\n\npackage asm\n\n// Add adds, plus BIAS from consts.h.\nfunc Add(a, b int64) int64\n',
  'workers/native/src/asm/add_other.go': '//go:build !amd64\n\npackage asm\n\n// Add adds.\nfunc Add(a, b int64) int64 { return a + b }\n',
  'workers/native/src/asm/consts.h': '#define BIAS $0\n',
  'workers/native/src/asm/add_amd64.s':
    '#include "textflag.h"\n#include "consts.h"\n\nTEXT ·Add(SB), NOSPLIT, $0-24\n\tMOVQ a+0(FP), AX\n\tADDQ b+8(FP), AX\n\tADDQ BIAS, AX\n\tMOVQ AX, ret+16(FP)\n\tRET\n',
};

/** A worker that embeds a generated, gitignored web UI, named in build.sources. */
const UI: Record<string, string> = {
  'workers/ui/go.mod': 'module example.com/tqserver/workers/ui\n\ngo 1.22\n',
  'workers/ui/config.yaml': 'build:\n  sources: ["src/**/*.go", "src/webui/**"]\n',
  'workers/ui/src/main.go': 'package main\n\nimport (\n\t"embed"\n\t"fmt"\n)\n\nvar (\n\t//go:embed webui\n\tui embed.FS\n)\n\nfunc main() {\n\tb, _ := ui.ReadFile("webui/index.html")\n\tfmt.Print(string(b))\n}\n',
  'workers/ui/src/webui/index.html': '<h1>v1</h1>\n',
};

/** A generated test helper of api that .gitignore hides (mock_*_test.go). */
const IGNORED_MOCK = 'workers/api/src/mock_answer_test.go';

/** A worker that vendors a local library; vendor/ is gitignored. */
const VEND: Record<string, string> = {
  'workers/vend/go.mod':
    'module example.com/tqserver/workers/vend\n\ngo 1.22\n\nrequire example.com/tqserver/libs/textfmt v0.0.0\n\nreplace example.com/tqserver/libs/textfmt => ../../libs/textfmt\n',
  'workers/vend/src/main.go': 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/tqserver/libs/textfmt"\n)\n\nfunc main() { fmt.Println(textfmt.Sentence("from", "vend")) }\n',
};

/** A real object file for the .syso case, made by the C compiler that cgo uses. */
function makeSyso(ws: Workspace, value: number): void {
  ws.write('workers/native/src/syso.c', `int nxgo_syso_marker(void) { return ${value}; }\n`);
  const cc = ws.run('cc', ['-c', '-o', 'extra_linux_amd64.syso', 'syso.c'], {}, ws.path('workers/native/src'));
  if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);
  ws.remove('workers/native/src/syso.c');
}

const VENDORED_TEXTFMT = 'workers/vend/vendor/example.com/tqserver/libs/textfmt/textfmt.go';

const MISSES: Change[] = [
  { name: 'a worker source file', project: 'api', apply: append('workers/api/src/main.go', '\nvar _ = "edited"\n') },
  { name: 'an embedded file (indented //go:embed in a var block)', project: 'api', apply: (ws) => ws.write('workers/api/src/banner.txt', 'TQServer api v2\n') },
  { name: 'go.mod', project: 'api', apply: replace('workers/api/go.mod', 'go 1.22', 'go 1.23') },
  { name: 'go.sum', project: 'api', apply: (ws) => ws.write('workers/api/go.sum', 'example.com/x v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n') },
  { name: 'config.yaml flags', project: 'api', apply: replace('workers/api/config.yaml', '- "-buildmode=exe"', '- "-buildmode=exe"\n    - "-ldflags=-X main.Version=flagged"') },
  { name: 'config.yaml env', project: 'api', apply: replace('workers/api/config.yaml', 'CGO_ENABLED: "0"', 'CGO_ENABLED: "0"\n    GOAMD64: v2') },
  { name: 'a config/server.yaml mode setting', project: 'api', apply: replace('config/server.yaml', 'optimize: false', 'optimize: true') },
  { name: 'GOOS in the environment', project: 'api', apply: () => undefined, env: { GOOS: 'freebsd' } },
  { name: 'GOARCH in the environment', project: 'api', apply: () => undefined, env: { GOARCH: 'arm64' } },
  { name: 'GOFLAGS in the environment', project: 'api', apply: () => undefined, env: { GOFLAGS: '-tags=extra' } },
  { name: 'a dependency library source', project: 'api', apply: replace('libs/shared/shared.go', '"hello"', '"hi"') },
  { name: 'a transitive dependency library source', project: 'api', apply: replace('libs/textfmt/textfmt.go', '" "', '"  "') },
  // The workspace's .gitignore lists /go.work, as TQServer's does.
  { name: 'a gitignored go.work', project: 'api', apply: (ws) => ws.write('go.work', 'go 1.22\n\nuse (\n\t./workers/api\n\t./libs/shared\n\t./libs/textfmt\n)\n') },
  { name: 'a go.work inside the worker', project: 'api', apply: (ws) => ws.write('workers/api/go.work', 'go 1.22\n\nuse (\n\t.\n\t../../libs/shared\n\t../../libs/textfmt\n)\n') },
  { name: 'GOWORK naming a go.work outside the workspace', project: 'api', apply: () => undefined, env: { GOWORK: 'set in beforeAll' } },
  { name: 'a gitignored embedded file that build.sources names', project: 'ui', apply: edit('workers/ui/src/webui/index.html', 'v1', 'v2') },
  { name: 'a gitignored vendored file', project: 'vend', apply: edit(VENDORED_TEXTFMT, '" "', '"  "') },
  { name: 'a cgo .c file (build.sources names only Go files)', project: 'native', apply: replace('workers/native/src/bridge.c', '42', '43') },
  { name: 'a cgo header', project: 'native', apply: append('workers/native/src/bridge.h', 'int unused(void);\n') },
  { name: 'a Go assembly file', project: 'native', apply: append('workers/native/src/asm/add_amd64.s', '// edited\n') },
  { name: 'an assembly header', project: 'native', apply: replace('workers/native/src/asm/consts.h', '$0', '$1') },
  { name: 'a .syso object', project: 'native', apply: (ws) => makeSyso(ws, 8) },
  { name: 'GOFLAGS in the environment, for test', project: 'api', target: 'test', apply: () => undefined, env: { GOFLAGS: '-tags=extra' } },
  // A generated mock that .gitignore hides: go test compiles it, so only the tests' disk digest can see it.
  { name: 'a gitignored generated _test.go file, for test', project: 'api', target: 'test', apply: edit(IGNORED_MOCK, 'mockAnswer = 1', 'mockAnswer = 2') },
  // Build jobs: distbuild's ID, a job's hash holds its deps' IDs (workers/gen: version <- gen <- build).
  { name: "a dependency job's input file, for the job that depends on it", project: 'gen', target: 'job-gen', apply: append('workers/gen/version.txt', 'more\n') },
  { name: "a dependency job's command, for the job that depends on it", project: 'gen', target: 'job-gen', apply: replace('workers/gen/config.yaml', GEN_VERSION, 'v9') },
  { name: "a dependency job's input file, for the build (build.deps)", project: 'gen', apply: append('workers/gen/version.txt', 'more\n') },
  { name: "a build job's input, for the example build that depends on it", project: 'auth', apply: append('workers/auth/routes.txt', 'GET /health health\n') },
  { name: "a build job's command, for the example build", project: 'auth', apply: replace('workers/auth/config.yaml', 'by tools/routegen', 'by routegen') },
  { name: 'a library that the module vendors, for vendor', project: 'vend', target: 'vendor', apply: replace('libs/textfmt/textfmt.go', '" "', '"  "') },
  { name: 'a new import in the module, for vendor', project: 'vend', target: 'vendor', apply: append('workers/vend/src/main.go', '\nvar _ = fmt.Sprint\n') },
];

const HITS: Change[] = [
  { name: "the worker's README", project: 'api', apply: (ws) => ws.write('workers/api/README.md', '# api\n') },
  { name: 'a _test.go file', project: 'api', apply: append('workers/api/src/main_test.go', '\n// more tests soon\n') },
  { name: 'testdata/', project: 'api', apply: (ws) => ws.write('workers/api/src/testdata/case.json', '{}\n') },
  { name: "another worker's source", project: 'api', apply: append('workers/auth/src/main.go', '\nvar _ = "edited"\n') },
  // bin/ is not gitignored in this workspace: only the plugin's exclusion keeps the binary and this file out.
  { name: "the worker's own bin/, visible to git", project: 'api', apply: (ws) => ws.write('workers/api/bin/stray', 'x') },
  { name: 'a library that the worker does not import', project: 'auth', apply: replace('libs/shared/shared.go', '"hello"', '"hi"') },
  { name: 'a non-build section of config.yaml', project: 'api', apply: replace('workers/api/config.yaml', 'port: 8080', 'port: 9090') },
  { name: 'a library test file', project: 'api', apply: append('libs/shared/shared_test.go', '\n// more\n') },
  { name: 'CGO_ENABLED in the environment (the plan pins cgo)', project: 'auth', apply: () => undefined, env: { CGO_ENABLED: '0' } },
  { name: 'a gitignored log file in the worker', project: 'ui', apply: (ws) => ws.write('workers/ui/src/server.log', 'noise\n') },
  { name: 'a gitignored generated _test.go file, for build', project: 'api', apply: edit(IGNORED_MOCK, 'mockAnswer = 1', 'mockAnswer = 2') },
  { name: "the dependent job's own input, for the job it depends on", project: 'gen', target: 'job-version', apply: append('workers/gen/tools/gen/main.go', '\n// edited\n') },
  // .jobs/ and generated files are visible to git here: only the plugin's exclusions keep them out of the hash.
  { name: "a stray file in a job's .jobs/ output directory", project: 'gen', apply: (ws) => ws.write('workers/gen/.jobs/version/stray.txt', 'x') },
  { name: 'a hand edit of a generated file (a job output), for the build', project: 'gen', apply: (ws) => ws.write('workers/gen/src/zz_version.go', 'package main\n\nconst generatedVersion = "hand"\n') },
  { name: 'build.env, for test (it applies to go build only)', project: 'api', target: 'test', apply: replace('workers/api/config.yaml', 'CGO_ENABLED: "0"', 'CGO_ENABLED: "0"\n    GOFLAGS: -tags=nxgo_never') },
];

describe('hash soundness', () => {
  let ws: Workspace;
  let baseline: string;
  let gowork: string;
  /** Every build target of the baseline. */
  const WORKERS = ['api', 'auth', 'gen', 'native', 'ui', 'vend'];
  /** The build jobs those builds depend on (build.deps). */
  const JOB_TASKS = ['auth:job-routes', 'gen:job-gen', 'gen:job-version'];
  const run = (c: Change, env?: Record<string, string>) => ws.nxOk([c.target ?? 'build', c.project], env);
  const state = (r: ReturnType<Workspace['nxOk']>, c: Change) => r.tasks.get(`${c.project}:${c.target ?? 'build'}`);

  beforeAll(() => {
    ws = Workspace.create();
    for (const files of [NATIVE, UI, VEND, GEN_WORKER]) for (const [rel, text] of Object.entries(files)) ws.write(rel, text);
    makeSyso(ws, 7);
    // bin/ stays visible to git, so that only the plugin's own exclusion keeps binaries out of the hash.
    // (Nx hashes .gitignore into every task, so the ignore rules cannot change within the matrix.)
    ws.write('.gitignore', 'node_modules\n.nx\ndist/\n/go.work\n/go.work.sum\nvendor/\nwebui/\n*.log\nmock_*_test.go\n');
    ws.commit('native, ui, vend and gen workers');
    ws.write(IGNORED_MOCK, 'package main\n\nconst mockAnswer = 1\n');
    // The go.work GOWORK names lives outside the workspace, where Nx sees nothing.
    gowork = join(mkdtempSync(join(tmpdir(), 'nx-go-gowork-')), 'go.work');
    writeFileSync(gowork, `go 1.22\n\nuse (\n\t${ws.path('workers/api')}\n\t${ws.path('libs/shared')}\n\t${ws.path('libs/textfmt')}\n)\n`);
    MISSES.find((c) => c.env?.GOWORK)!.env!.GOWORK = gowork;
    ws.nxOk(['run', 'vend:vendor']);
    expect(ws.exists(VENDORED_TEXTFMT)).toBe(true);
    ws.nxOk(['run-many', '-t', 'build']);
    ws.nxOk(['test', 'api']);
    baseline = ws.git('rev-parse', 'HEAD');
  });
  afterAll(() => ws.destroy());

  /** Puts the tree back exactly as committed, keeping the gitignored files the baseline made. */
  function reset(): void {
    ws.git('reset', '-q', '--hard', baseline);
    ws.git('clean', '-qfdx', '-e', 'node_modules', '-e', '.nx', '-e', 'bin', '-e', 'vendor', '-e', 'webui', '-e', 'mock_*_test.go');
    ws.remove('workers/api/bin/stray');
  }

  it('starts from a fully cached baseline', () => {
    const r = ws.nxOk(['run-many', '-t', 'build']);
    expect([...r.tasks.keys()].sort()).toEqual([...WORKERS.map((w) => `${w}:build`), ...JOB_TASKS].sort());
    expect([...r.tasks.values()].every(fromCache)).toBe(true);
  });

  it.each(MISSES.map((c) => [c.name, c] as const))('a change to %s misses the cache', (_name, c) => {
    reset();
    const undo = c.apply(ws);
    expect(state(run(c, c.env), c)).toBe('miss');
    // And undoing it finds the baseline entry again: the hash depends on content, not history.
    if (undo) undo();
    reset();
    expect(fromCache(state(run(c), c))).toBe(true);
  });

  it.each(HITS.map((c) => [c.name, c] as const))('a change to %s hits the cache', (_name, c) => {
    reset();
    const undo = c.apply(ws);
    expect(fromCache(state(run(c, c.env), c))).toBe(true);
    if (undo) undo();
  });

  it('a change to an unrelated npm devDependency (package.json and lockfile) hits the cache', () => {
    reset();
    const lockBefore = ws.read('package-lock.json');
    const install = ws.run('npm', ['install', '-D', 'is-number@7.0.0', '--no-audit', '--no-fund', '--loglevel=error']);
    expect(install.status).toBe(0);
    expect(ws.read('package-lock.json')).not.toBe(lockBefore);
    const r = ws.nxOk(['run-many', '-t', 'build']);
    expect(r.tasks.size).toBe(WORKERS.length + JOB_TASKS.length);
    expect([...r.tasks.values()].every(fromCache)).toBe(true);
  });

  it('nx affected selects exactly the workers that import a changed library, transitively', () => {
    reset();
    replace('libs/textfmt/textfmt.go', '" "', '"  "')(ws);
    // Only the tracked change: bin/ is not ignored here.
    ws.git('commit', '-qam', 'change textfmt');
    const r = ws.nxOk(['affected', '-t', 'build', '--base=HEAD~1', '--head=HEAD']);
    expect([...r.tasks.keys()].sort()).toEqual(['api:build', 'vend:build']);
    const projects = JSON.parse(ws.nxOk(['show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD', '--json']).output);
    expect(projects.sort()).toEqual(['api', 'shared', 'textfmt', 'vend']);
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
