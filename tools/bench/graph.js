#!/usr/bin/env node
// Issue 4 benchmark: what the Go plugin adds to `nx show projects` and `nx graph --file=…`.
//
// A seeded generator writes a synthetic TQServer-style workspace: N workers (workers/wNNNN with go.mod,
// src/main.go, config.yaml) and M libraries (libs/libNNN) with a random import DAG, wired through go.mod
// `replace` directives to local paths. The same tree is measured five times, side by side in one run:
//   baseline:   nx.json with no plugins (Nx on its own, walking and hashing the same files)
//   one-project: a stub plugin inferring a single project with no targets (what one more plugin costs in
//               Nx before it infers anything: by default, its own worker process, the glob, the round trips)
//   same-shape: a trivial local plugin inferring the plugin's projects and target names, all nx:noop
//               (what Nx itself costs to take that many projects and targets from any plugin)
//   replay:     a stub plugin returning the Go plugin's own createNodes results, recorded once, and its edges
//               (Nx's cost for exactly this configuration, with no inference work: plugin − replay is the
//               Go plugin's own code)
//   plugin:     nx.json with plugins: ['@tqserver/nx-go']
// cold = .nx/ deleted before the run (no task cache, no workspace data, no plugin memo); warm = the same
// command again right after, .nx/ kept. The daemon is off in both.
//
// Usage: node tools/bench/graph.js [--n 100,1000] [--runs 3] [--seed 42] [--m <libs>] [--keep] [--no-go-check] [--idle-wait 30] [--idle-budget 180]
//        node tools/bench/graph.js --generate <dir> [--n 1000] [--seed 42]   (only writes <dir>/n<N>/{baseline,plugin}, for profiling)
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const lib = require('./lib');

const opts = require.main !== module ? {} : lib.parseArgs(process.argv.slice(2), {
  n: '100,1000',
  m: '',
  runs: '3',
  seed: '42',
  'nx-version': lib.DEFAULT_NX_VERSION,
  keep: false,
  'idle-wait': '30',
  'idle-budget': '180',
  'no-go-check': false,
  generate: '',
});

/** mulberry32: a small, seeded 32-bit PRNG; returns floats in [0, 1). */
function mulberry32(seed) {
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks `k` distinct integers from [0, n), sorted. */
function pickDistinct(rand, n, k) {
  const chosen = new Set();
  while (chosen.size < Math.min(k, n)) chosen.add(Math.floor(rand() * n));
  return [...chosen].sort((a, b) => a - b);
}

const pad = (i, width) => String(i).padStart(width, '0');

/**
 * The synthetic workspace as data: which library each library and worker imports.
 * @returns {{ workers: string[], libs: string[], libImports: number[][], workerImports: number[][] }}
 */
function planWorkspace(n, m, seed) {
  const rand = mulberry32(seed);
  const libWidth = Math.max(3, String(m - 1).length);
  const workerWidth = Math.max(4, String(n - 1).length);
  const libs = Array.from({ length: m }, (_, i) => `lib${pad(i, libWidth)}`);
  const workers = Array.from({ length: n }, (_, i) => `w${pad(i, workerWidth)}`);
  // A library imports 0-3 lower-numbered libraries, so the graph is a DAG by construction.
  const libImports = libs.map((_, i) => pickDistinct(rand, i, Math.floor(rand() * 4)));
  // A worker imports 0-3 libraries.
  const workerImports = workers.map(() => pickDistinct(rand, m, Math.floor(rand() * 4)));
  return { workers, libs, libImports, workerImports };
}

/** Every library reachable from `direct`, direct ones included (Go needs them all in the main module's go.mod). */
function closure(direct, libImports) {
  const seen = new Set();
  const stack = [...direct];
  while (stack.length) {
    const i = stack.pop();
    if (seen.has(i)) continue;
    seen.add(i);
    stack.push(...libImports[i]);
  }
  return [...seen].sort((a, b) => a - b);
}

const MODULE_PREFIX = 'example.com/bench';

function goMod(modulePath, direct, all, libs, relToLibs) {
  const lines = [`module ${modulePath}`, '', 'go 1.22', ''];
  if (all.length) {
    lines.push('require (');
    for (const i of all) lines.push(`\t${MODULE_PREFIX}/libs/${libs[i]} v0.0.0${direct.includes(i) ? '' : ' // indirect'}`);
    lines.push(')', '');
    for (const i of all) lines.push(`replace ${MODULE_PREFIX}/libs/${libs[i]} => ${relToLibs}/${libs[i]}`);
    lines.push('');
  }
  return lines.join('\n');
}

function importBlock(paths) {
  return paths.length === 1 ? `import ${JSON.stringify(paths[0])}\n` : `import (\n${paths.map((p) => `\t${JSON.stringify(p)}`).join('\n')}\n)\n`;
}

/** Writes the synthetic tree (no node_modules, no nx.json) under `root`. */
function writeTree(root, plan) {
  const { workers, libs, libImports, workerImports } = plan;
  lib.writeFile(root, 'config/server.yaml', [
    '# Generated by tools/bench/graph.js.',
    'build:',
    '  defaults:',
    '    timeout: 60s',
    '    parallel: true',
    '    max_parallel: 4',
    '  cache:',
    '    enabled: true',
    '  development:',
    '    optimize: false',
    '    include_debug: true',
    '  production:',
    '    optimize: true',
    '    include_debug: false',
    '    static: true',
    '',
  ].join('\n'));

  libs.forEach((name, i) => {
    const direct = libImports[i];
    const dir = `libs/${name}`;
    lib.writeFile(root, `${dir}/go.mod`, goMod(`${MODULE_PREFIX}/libs/${name}`, direct, closure(direct, libImports), libs, '..'));
    const imports = ['strings', ...direct.map((j) => `${MODULE_PREFIX}/libs/${libs[j]}`)];
    const parts = [JSON.stringify(name), ...direct.map((j) => `${libs[j]}.Name()`)];
    lib.writeFile(root, `${dir}/${name}.go`,
      `// Package ${name} is generated by tools/bench/graph.js.\npackage ${name}\n\n${importBlock(imports)}\n` +
      `// Name is this library's name followed by the names of the libraries it imports.\n` +
      `func Name() string {\n\treturn strings.Join([]string{${parts.join(', ')}}, ",")\n}\n`);
    lib.writeFile(root, `${dir}/${name}_test.go`,
      `package ${name}\n\nimport "testing"\n\nfunc TestName(t *testing.T) {\n\tif Name() == "" {\n\t\tt.Fatal("empty name")\n\t}\n}\n`);
  });

  const rand = mulberry32(0x5eed ^ workers.length);
  workers.forEach((name, i) => {
    const direct = workerImports[i];
    const dir = `workers/${name}`;
    lib.writeFile(root, `${dir}/go.mod`, goMod(`${MODULE_PREFIX}/workers/${name}`, direct, closure(direct, libImports), libs, '../../libs'));
    const imports = ['flag', 'fmt', ...direct.map((j) => `${MODULE_PREFIX}/libs/${libs[j]}`)];
    const calls = direct.map((j) => `\tfmt.Println(${libs[j]}.Name())\n`).join('');
    lib.writeFile(root, `${dir}/src/main.go`,
      `// Worker ${name}, generated by tools/bench/graph.js.\npackage main\n\n${importBlock(imports)}\n` +
      `var (\n\tVersion   = "dev"\n\tBuildTime = "unknown"\n\tGitCommit = "unknown"\n)\n\n` +
      `func main() {\n\tversion := flag.Bool("version", false, "Show version")\n\tflag.Parse()\n` +
      `\tif *version {\n\t\tfmt.Printf("Version: %s\\n", Version)\n\t\treturn\n\t}\n\tfmt.Println(greeting(${JSON.stringify(name)}))\n${calls}}\n`);
    lib.writeFile(root, `${dir}/src/greeting.go`,
      `package main\n\nimport "strings"\n\nfunc greeting(name string) string {\n\treturn strings.ToUpper(name[:1]) + name[1:] + " ready"\n}\n`);
    lib.writeFile(root, `${dir}/src/main_test.go`,
      `package main\n\nimport "testing"\n\nfunc TestGreeting(t *testing.T) {\n\tif greeting("api") != "Api ready" {\n\t\tt.Fatal(greeting("api"))\n\t}\n}\n`);
    const timeout = ['30s', '60s', '2m'][Math.floor(rand() * 3)];
    const flags = rand() < 0.5 ? ['    - "-buildmode=exe"'] : [];
    lib.writeFile(root, `${dir}/config.yaml`, [
      `# Worker ${name}, generated by tools/bench/graph.js.`,
      `name: ${name}`,
      `port: ${9000 + i}`,
      '',
      'build:',
      `  timeout: ${timeout}`,
      '  env:',
      '    CGO_ENABLED: "0"',
      ...(flags.length ? ['  flags:', ...flags] : []),
      '',
    ].join('\n'));
    lib.writeFile(root, `${dir}/README.md`, `# ${name}\n\nA generated worker.\n`);
  });
}

/** Builds the worker with the largest library closure with real go, so the generated modules are known to be valid Go. */
function goCheck(root, plan) {
  let best = 0;
  let bestSize = -1;
  plan.workerImports.forEach((direct, i) => {
    const size = closure(direct, plan.libImports).length;
    if (size > bestSize) [best, bestSize] = [i, size];
  });
  const dir = path.join(root, 'workers', plan.workers[best]);
  const out = path.join(root, '..', `gocheck-${plan.workers[best]}`);
  const r = spawnSync('go', ['build', '-o', out, './src'], { cwd: dir, env: lib.benchEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`generated worker ${plan.workers[best]} does not build:\n${r.stderr}`);
  fs.rmSync(out, { force: true });
  return `${plan.workers[best]} (imports ${bestSize} libraries transitively) builds with go build`;
}

/**
 * Makes `dir` a workspace whose one plugin infers the projects of `nodes` (the real plugin's graph) with
 * the same names, roots, tags and target names, every target an nx:noop with a description: Nx's own
 * cost for a plugin of this shape, so that the table separates it from what the Go plugin adds.
 */
function writeShapePlugin(dir, nodes) {
  const shape = Object.values(nodes).map((node) => ({ name: node.name, root: node.data.root, tags: node.data.tags ?? [], targets: Object.keys(node.data.targets ?? {}) }));
  installStubPlugin(dir, 'nx-go-bench-same-shape', {
    'shape.json': JSON.stringify(shape),
    'index.js': [
      "'use strict';",
      "const path = require('node:path');",
      "const byRoot = new Map(require('./shape.json').map((p) => [p.root, p]));",
      "exports.name = 'same-shape';",
      "exports.createNodesV2 = ['**/go.mod', (files) => files.flatMap((file) => {",
      '  const root = path.posix.dirname(file);',
      '  const p = byRoot.get(root);',
      '  if (!p) return [];',
      "  const targets = Object.fromEntries(p.targets.map((t) => [t, { executor: 'nx:noop', metadata: { technologies: ['go'], description: t } }]));",
      '  return [[file, { projects: { [root]: { name: p.name, root, tags: p.tags, targets } } }]];',
      '})];',
      '',
    ].join('\n'),
  });
}

/**
 * Makes `dir` a workspace whose one plugin infers a single project with no targets, from the first go.mod
 * its glob matches: the fixed cost of one more plugin in Nx (an isolated worker process by default).
 */
function writeOneProjectPlugin(dir) {
  installStubPlugin(dir, 'nx-go-bench-one-project', {
    'index.js': [
      "'use strict';",
      "const path = require('node:path');",
      "exports.name = 'one-project';",
      "exports.createNodesV2 = ['**/go.mod', (files) => [...files].sort().slice(0, 1).map((file) => {",
      '  const root = path.posix.dirname(file);',
      "  return [file, { projects: { [root]: { name: 'one-project', root, targets: {} } } }];",
      '})];',
      '',
    ].join('\n'),
  });
}

/**
 * Installs a stub plugin as the package `name` in `dir`'s node_modules (an installed package, as the Go
 * plugin is: Nx registers a TypeScript transpiler for a plugin given by a local path), with `files`, and
 * makes it the workspace's one plugin.
 */
function installStubPlugin(dir, name, files) {
  const pkg = path.join('node_modules', name);
  lib.writeFile(dir, path.join(pkg, 'package.json'), JSON.stringify({ name, version: '0.0.0', main: 'index.js' }));
  for (const [file, content] of Object.entries(files)) lib.writeFile(dir, path.join(pkg, file), content);
  lib.writeFile(dir, 'nx.json', JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', plugins: [name] }, null, 2) + '\n');
}

/** Run in the plugin workspace: the Go plugin's createNodes results for the files its glob matches (all tracked, here). */
const RECORD_SCRIPT = `
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { minimatch } = require('minimatch');
const plugin = require('@tqserver/nx-go');
const [glob, createNodes] = plugin.createNodesV2;
const files = execFileSync('git', ['ls-files'], { encoding: 'utf8', maxBuffer: 1 << 30 }).split('\\n').filter((f) => f && minimatch(f, glob, { dot: true }));
const context = { nxJsonConfiguration: JSON.parse(fs.readFileSync('nx.json', 'utf8')), workspaceRoot: process.cwd() };
createNodes(files, undefined, context).then((results) => fs.writeFileSync(process.argv[1], JSON.stringify({ glob, results })));
`;

/**
 * Makes `dir` a workspace whose one plugin returns the Go plugin's createNodes results, recorded in
 * `pluginDir`, and the edges of its graph (`graphFile`): what Nx costs for exactly this configuration
 * when inference costs nothing. Its only work is parsing the recorded JSON when Nx first calls it.
 */
function writeReplayPlugin(dir, pluginDir, graphFile, env) {
  const recorded = path.join(dir, 'node_modules', 'nx-go-bench-replay', 'results.json');
  fs.mkdirSync(path.dirname(recorded), { recursive: true });
  const r = spawnSync(process.execPath, ['-e', RECORD_SCRIPT, recorded], { cwd: pluginDir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`recording the plugin's createNodes results failed:\n${r.stderr}`);
  const graph = JSON.parse(fs.readFileSync(graphFile, 'utf8')).graph;
  // Static edges need a file of the source project; every project here has a go.mod.
  const edges = Object.values(graph.dependencies).flat().map((d) =>
    d.type === 'static' ? { ...d, sourceFile: path.posix.join(graph.nodes[d.source].data.root, 'go.mod') } : d);
  installStubPlugin(dir, 'nx-go-bench-replay', {
    'edges.json': JSON.stringify(edges),
    'index.js': [
      "'use strict';",
      "const { glob } = require('./results.json');",
      "exports.name = 'replay';",
      'exports.createNodesV2 = [glob, (files) => {',
      "  const byFile = new Map(require('./results.json').results);",
      '  return files.filter((f) => byFile.has(f)).map((f) => [f, byFile.get(f)]);',
      '}];',
      "exports.createDependencies = () => require('./edges.json');",
      '',
    ].join('\n'),
  });
}

/** Counts dependency edges in `nx graph --file` JSON by kind of source and target. */
function countEdges(graphFile, plan) {
  const graph = JSON.parse(fs.readFileSync(graphFile, 'utf8')).graph;
  const workers = new Set(plan.workers);
  const libs = new Set(plan.libs);
  let workerToLib = 0;
  let libToLib = 0;
  let other = 0;
  for (const deps of Object.values(graph.dependencies)) {
    for (const d of deps) {
      if (workers.has(d.source) && libs.has(d.target)) workerToLib++;
      else if (libs.has(d.source) && libs.has(d.target)) libToLib++;
      else other++;
    }
  }
  return { nodes: Object.keys(graph.nodes).length, workerToLib, libToLib, other };
}

function main() {
  lib.configureIdleGate({ waitSeconds: Number(opts['idle-wait']), budgetSeconds: Number(opts['idle-budget']) });
  const sizes = lib.intList(opts.n);
  const runs = lib.intList(opts.runs)[0];
  const seed = lib.intList(opts.seed)[0];
  const template = lib.templateDir(String(opts['nx-version']));
  const generateOnly = opts.generate !== '';
  const scratch = generateOnly ? path.resolve(String(opts.generate)) : lib.scratchDir('graph');
  const env = lib.benchEnv();
  const rows = [];
  const sampleRows = [];
  const sanity = [];

  console.log(lib.describeEnvironment(template));
  console.log(`graph.js --n ${sizes.join(',')} --runs ${runs} --seed ${seed}${opts.m ? ` --m ${opts.m}` : ''}; medians of ${runs}; daemon off; scratch ${scratch}\n`);

  try {
    for (const n of sizes) {
      const m = opts.m ? lib.intList(opts.m)[0] : Math.max(1, Math.round(n / 5));
      const plan = planWorkspace(n, m, seed);
      const expectedWorkerEdges = plan.workerImports.reduce((s, d) => s + d.length, 0);
      const expectedLibEdges = plan.libImports.reduce((s, d) => s + d.length, 0);
      lib.log(`N=${n}: generating ${n} workers and ${m} libraries (seed ${seed})`);

      /** @type {Record<'baseline' | 'plugin' | 'one' | 'shape' | 'replay', string>} */
      const ws = { baseline: path.join(scratch, `n${n}`, 'baseline'), plugin: path.join(scratch, `n${n}`, 'plugin') };
      if (!generateOnly) {
        ws.one = path.join(scratch, `n${n}`, 'one');
        ws.shape = path.join(scratch, `n${n}`, 'shape');
        ws.replay = path.join(scratch, `n${n}`, 'replay');
      }
      for (const [variant, dir] of Object.entries(ws)) {
        lib.createWorkspace(dir, template);
        writeTree(dir, plan);
        lib.writeNxJson(dir, variant === 'plugin');
        lib.gitInitCommit(dir);
      }
      const fileCount = spawnSync('git', ['ls-files'], { cwd: ws.plugin, encoding: 'utf8' }).stdout.trim().split('\n').length;
      if (!opts['no-go-check']) lib.log(`N=${n}: ${goCheck(ws.plugin, plan)}`);
      if (generateOnly) {
        lib.log(`N=${n}: wrote ${ws.baseline} and ${ws.plugin} (${fileCount} files each)`);
        continue;
      }

      // Untimed: warms the OS file cache and Node's compile cache for both trees, and checks that both work.
      // Counted from a graph file: nx 24.0.6's `show projects` sometimes exits 0 before all of its lines reach a pipe.
      const projectCount = {};
      const count = (variant) => {
        const dir = ws[variant];
        lib.clearNxCache(dir);
        lib.nx(dir, ['show', 'projects'], env);
        const file = path.join(scratch, `count-n${n}-${variant}.json`);
        lib.nx(dir, ['graph', `--file=${file}`], env);
        const nodes = JSON.parse(fs.readFileSync(file, 'utf8')).graph.nodes;
        projectCount[variant] = Object.keys(nodes).length;
        return { nodes, file };
      };
      count('baseline');
      writeOneProjectPlugin(ws.one);
      count('one');
      const real = count('plugin');
      writeShapePlugin(ws.shape, real.nodes);
      count('shape');
      writeReplayPlugin(ws.replay, ws.plugin, real.file, env);
      const replayed = count('replay');
      if (projectCount.plugin !== n + m) throw new Error(`plugin workspace shows ${projectCount.plugin} projects, expected ${n + m}`);
      if (projectCount.one !== 1) throw new Error(`one-project workspace shows ${projectCount.one} projects, expected 1`);
      if (projectCount.shape !== projectCount.plugin) throw new Error(`same-shape workspace shows ${projectCount.shape} projects, expected ${projectCount.plugin}`);
      // The replay must be exact: the same project configurations and the same edges as the plugin's graph.
      const graphOf = (file) => JSON.parse(fs.readFileSync(file, 'utf8')).graph;
      if (JSON.stringify(replayed.nodes) !== JSON.stringify(real.nodes)) throw new Error('the replay workspace\'s projects differ from the plugin\'s');
      if (JSON.stringify(graphOf(replayed.file).dependencies) !== JSON.stringify(graphOf(real.file).dependencies)) throw new Error('the replay workspace\'s edges differ from the plugin\'s');

      const commands = [
        { label: 'nx show projects', args: () => ['show', 'projects'] },
        { label: 'nx graph --file=graph.json', args: (variant) => ['graph', `--file=${path.join(scratch, `graph-n${n}-${variant}.json`)}`] },
      ];
      for (const cmd of commands) {
        /** @type {Record<string, Record<string, number[]>>} */
        const variants = ['baseline', 'one', 'shape', 'replay', 'plugin'];
        const samples = Object.fromEntries(variants.map((v) => [v, { cold: [], warm: [] }]));
        for (let r = 0; r < runs; r++) {
          // Rotate which variant goes first, so none always runs on a warmer machine.
          const order = variants.map((_, i) => variants[(i + r) % variants.length]);
          for (const variant of order) {
            const dir = ws[variant];
            lib.clearNxCache(dir);
            samples[variant].cold.push(lib.nx(dir, cmd.args(variant), env).ms);
            samples[variant].warm.push(lib.nx(dir, cmd.args(variant), env).ms);
          }
          const at = (c) => variants.map((v) => Math.round(samples[v][c][r])).join('/');
          lib.log(`N=${n} ${cmd.label} run ${r + 1}/${runs}: cold ${at('cold')} ms, warm ${at('warm')} ms (${variants.join('/')})`);
        }
        for (const cache of ['cold', 'warm']) {
          const base = lib.median(samples.baseline[cache]);
          const one = lib.median(samples.one[cache]);
          const shape = lib.median(samples.shape[cache]);
          const replay = lib.median(samples.replay[cache]);
          const plug = lib.median(samples.plugin[cache]);
          rows.push([
            String(n), cmd.label, cache, lib.fmtMs(base), lib.fmtMs(one), lib.fmtMs(shape), lib.fmtMs(replay), lib.fmtMs(plug), lib.fmtRatio(plug, base),
            lib.fmtDelta(plug - base), lib.fmtDelta(one - base), lib.fmtDelta(shape - base), lib.fmtDelta(replay - base), lib.fmtDelta(plug - replay),
          ]);
          sampleRows.push([String(n), cmd.label, cache, ...variants.map((v) => samples[v][cache].map(Math.round).join(', '))]);
        }
      }

      const edges = countEdges(path.join(scratch, `graph-n${n}-plugin.json`), plan);
      const baseEdges = countEdges(path.join(scratch, `graph-n${n}-baseline.json`), plan);
      sanity.push([
        String(n), String(m), String(fileCount), `${projectCount.plugin} / ${projectCount.baseline}`,
        `${edges.workerToLib} (expected ${expectedWorkerEdges})`, `${edges.libToLib} (expected ${expectedLibEdges})`,
        String(edges.other), String(baseEdges.workerToLib + baseEdges.libToLib + baseEdges.other),
      ]);
      if (edges.workerToLib !== expectedWorkerEdges || edges.libToLib !== expectedLibEdges) {
        lib.log(`N=${n}: WARNING: the plugin's graph does not have the generated import edges`);
      }
    }
  } finally {
    if (generateOnly || opts.keep) lib.log(`kept ${scratch}`);
    else fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (generateOnly) return;

  console.log('Wall time, median (baseline = same tree, nx.json without plugins)');
  console.log('one-project = the same tree with a stub plugin that infers one project with no targets: what one more plugin costs in Nx');
  console.log('before it infers anything (by default Nx runs each plugin in its own worker process).');
  console.log('same-shape = the same tree with a trivial plugin that infers the same projects with the same target names, every one nx:noop:');
  console.log('what Nx itself costs to take this many projects and targets from any plugin.');
  console.log("replay = the same tree with a stub plugin that returns the Go plugin's own createNodes results and edges, recorded once:");
  console.log("what Nx costs for exactly this configuration; plugin − replay is what the Go plugin's own work costs.");
  lib.printTable(['N workers', 'command', 'cache', 'baseline', 'one-project', 'same-shape', 'replay', 'plugin', 'plugin/baseline', 'added by plugin', 'added by one-project', 'added by same-shape', 'added by replay', 'plugin − replay'], rows);
  console.log('\nSamples (ms, in run order)');
  lib.printTable(['N workers', 'command', 'cache', 'baseline', 'one-project', 'same-shape', 'replay', 'plugin'], sampleRows);
  console.log('\nSanity: projects and edges in the graph JSON');
  lib.printTable(['N workers', 'M libs', 'files', 'projects plugin / baseline', 'worker->lib edges', 'lib->lib edges', 'other edges', 'baseline edges'], sanity);
}

if (require.main === module) {
  main();
  console.log(`\nAt the end: ${lib.loadAverage()}; ${lib.idleGateSummary()}`);
}

module.exports = { planWorkspace, writeTree };
