// Build jobs with real nx and real go: a cat job, an exec job reading it through {{index .Deps}}, a build compiling the result.
import { spawnSync } from 'node:child_process';
import { GEN_CONFIG, GEN_VERSION, GEN_WORKER } from './support/jobs-worker';
import { fromCache, Workspace, type RunResult } from './support/workspace';

const TASKS = ['gen:job-version', 'gen:job-gen', 'gen:build'];

describe('build jobs', () => {
  let ws: Workspace;
  const states = (r: RunResult) => Object.fromEntries(TASKS.map((t) => [t, r.tasks.get(t)]));
  const allMiss = Object.fromEntries(TASKS.map((t) => [t, 'miss']));
  const binary = () => spawnSync(ws.path('workers/gen/bin/gen'), { encoding: 'utf8' }).stdout.trim();
  const cached = (r: RunResult) => TASKS.every((t) => fromCache(r.tasks.get(t)));

  beforeAll(() => {
    ws = Workspace.create({ examples: false });
    for (const [rel, text] of Object.entries(GEN_WORKER)) ws.write(rel, text);
    ws.write('.gitignore', 'node_modules\n.nx\nbin/\ndist/\n.jobs/\nzz_*.go\n');
    ws.commit('gen worker');
  });
  afterAll(() => ws.destroy());

  it('shows each job as a target with its planned commands, and the build depending on it', () => {
    const gen = JSON.parse(ws.nxOk(['show', 'project', 'gen', '--json']).output);
    expect(gen.targets['job-version'].metadata.job.cmds).toEqual([`cat > {{.OutputDir}}/version.go <<< ${JSON.stringify(`package version\n\nconst Value = "${GEN_VERSION}"\n`)}`]);
    expect(gen.targets['job-gen'].metadata.job.cmds).toEqual(['go run ./tools/gen {{index .Deps "version"}}/version.go {{.SourceDir}}/src/zz_version.go']);
    expect(gen.targets['job-gen'].dependsOn).toEqual(['job-version']);
    expect(gen.targets['job-gen'].outputs).toEqual(['{workspaceRoot}/workers/gen/.jobs/gen', '{workspaceRoot}/workers/gen/src/zz_version.go']);
    expect(gen.targets.build.dependsOn).toEqual(['job-gen']);
  });

  it('runs both jobs and the build; the binary holds the generated value; a rerun is all cache hits', () => {
    expect(states(ws.nxOk(['build', 'gen']))).toEqual(allMiss);
    expect(ws.read('workers/gen/.jobs/version/version.go')).toContain(`const Value = "${GEN_VERSION}"`);
    expect(binary()).toBe(`generated: ${GEN_VERSION}`);
    expect(cached(ws.nxOk(['build', 'gen']))).toBe(true);
  });

  it('restores every job output from the cache after a clean checkout', () => {
    ws.git('clean', '-qfdx', '-e', 'node_modules', '-e', '.nx');
    expect(ws.exists('workers/gen/src/zz_version.go')).toBe(false);
    expect(cached(ws.nxOk(['build', 'gen']))).toBe(true);
    expect(ws.read('workers/gen/src/zz_version.go')).toContain(`"${GEN_VERSION}"`);
    expect(binary()).toBe(`generated: ${GEN_VERSION}`);
  });

  it("an edit to the first job's input file reruns both jobs and the build, and undoing it hits again", () => {
    ws.write('workers/gen/version.txt', 'Edited notes.\n');
    expect(states(ws.nxOk(['build', 'gen']))).toEqual(allMiss);
    ws.git('checkout', '--', 'workers/gen/version.txt');
    expect(cached(ws.nxOk(['build', 'gen']))).toBe(true);
  });

  it("a change to the first job's template reruns both jobs and the build, and the binary holds the new value", () => {
    ws.write('workers/gen/config.yaml', GEN_CONFIG.replace(GEN_VERSION, 'v2.0.0'));
    expect(states(ws.nxOk(['build', 'gen']))).toEqual(allMiss);
    expect(binary()).toBe('generated: v2.0.0');
    ws.git('checkout', '--', 'workers/gen/config.yaml');
    expect(cached(ws.nxOk(['build', 'gen']))).toBe(true);
    expect(binary()).toBe(`generated: ${GEN_VERSION}`);
  });

  it('an edit to the second job reruns it and the build, never the job it depends on', () => {
    ws.write('workers/gen/tools/gen/main.go', ws.read('workers/gen/tools/gen/main.go') + '\n// edited\n');
    const r = ws.nxOk(['build', 'gen']);
    expect(fromCache(r.tasks.get('gen:job-version'))).toBe(true);
    expect(r.tasks.get('gen:job-gen')).toBe('miss');
    expect(r.tasks.get('gen:build')).toBe('miss');
    ws.git('checkout', '--', 'workers/gen/tools/gen/main.go');
  });

  it('an edit elsewhere in the worker, or a hand edit of a generated file, reruns nothing', () => {
    ws.write('workers/gen/README.md', '# gen\n');
    ws.write('workers/gen/.jobs/version/stray.txt', 'not an input\n');
    expect(cached(ws.nxOk(['build', 'gen']))).toBe(true);
    ws.write('workers/gen/src/zz_version.go', 'package main\n\nconst generatedVersion = "hand-edited"\n');
    expect(cached(ws.nxOk(['build', 'gen']))).toBe(true);
    // The cached build is the one made from the job's real output, whatever the tree held.
    expect(binary()).toBe(`generated: ${GEN_VERSION}`);
    ws.remove('workers/gen/README.md');
  });

  it('reports a dependency cycle, naming it, at its file:line:col, before anything runs', () => {
    ws.remove('workers/gen/.jobs');
    ws.write('workers/gen/config.yaml', GEN_CONFIG.replace('      inputs: [version.txt]\n', '      inputs: [version.txt]\n      deps: [gen]\n'));
    const r = ws.nx(['build', 'gen']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/workers\/gen\/config\.yaml:\d+:\d+: build\.jobs\.\w+\.deps\[\d\]: dependency cycle: (version -> gen -> version|gen -> version -> gen)/);
    expect(ws.exists('workers/gen/.jobs')).toBe(false);
    ws.git('checkout', '--', 'workers/gen/config.yaml');
  });

  it('reports an unknown template variable with its file:line:col before anything runs', () => {
    ws.write('workers/gen/config.yaml', GEN_CONFIG.replace('"{{.SourceDir}}/src/zz_version.go"', '"{{.SrcDir}}/src/zz_version.go"'));
    const r = ws.nx(['build', 'gen']);
    expect(r.code).not.toBe(0);
    const line = GEN_CONFIG.split('\n').findIndex((l) => l.includes('{{.SourceDir}}/src/zz_version.go')) + 1;
    expect(r.output).toContain(`workers/gen/config.yaml:${line}:`);
    expect(r.output).toContain('build.jobs.gen.cmds[0].exec[4]: unknown variable {{.SrcDir}}; expected {{.OutputDir}}, {{.SourceDir}}, {{index .Deps "<dep>"}}');
    expect(ws.exists('workers/gen/.jobs')).toBe(false);
    ws.git('checkout', '--', 'workers/gen/config.yaml');
  });

  it('a failing command names the job, the command and its exit status, and leaves no output', () => {
    ws.write(
      'workers/gen/config.yaml',
      GEN_CONFIG.replace('  jobs:\n', '  jobs:\n    bad:\n      outputs: [src/zz_bad.go]\n      cmds:\n        - cat: { template: "package main\\n", output: src/zz_bad.go }\n        - exec: [go, run, ./tools/nope]\n'),
    );
    const r = ws.nx(['run', 'gen:job-bad']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('gen: job-bad: cmds[1] (go run ./tools/nope) failed (exit code 1)');
    expect(ws.exists('workers/gen/.jobs/bad')).toBe(false);
    expect(ws.exists('workers/gen/src/zz_bad.go')).toBe(false);
    ws.git('checkout', '--', 'workers/gen/config.yaml');
  });

  it('an exec of a program that is not on PATH is a clear error', () => {
    ws.write('workers/gen/config.yaml', GEN_CONFIG.replace('  jobs:\n', '  jobs:\n    missing:\n      cmds:\n        - exec: [nx-go-no-such-generator, --out, "{{.OutputDir}}"]\n'));
    const r = ws.nx(['run', 'gen:job-missing']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('gen: job-missing: cmds[0] (nx-go-no-such-generator --out {{.OutputDir}}): nx-go-no-such-generator was not found on PATH.');
    expect(ws.exists('workers/gen/.jobs/missing')).toBe(false);
    ws.git('checkout', '--', 'workers/gen/config.yaml');
  });
});
