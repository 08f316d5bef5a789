#!/usr/bin/env node
// Issue 2 benchmark: `nx build <worker>` against the raw `go build` it runs, side by side in one run.
//
// A temp workspace gets this repo's workers/, libs/ and config/ and the packed plugin. The raw command is
// read from `nx show project <worker> --json` (targets.build options, or metadata.job: exec, cwd, env), with {{.Output}}
// pointed at a scratch path. Measured, each as the median of --runs:
//   nx build, Nx cache miss (--skip-nx-cache), warm Go build cache  | the raw go build, warm Go build cache
//   nx build, Nx cache miss, cold Go build cache (fresh GOCACHE)   | the raw go build, cold Go build cache
//   nx build, Nx cache hit (outputs in place; and outputs deleted, so Nx restores them)
// "Warm" is a GOCACHE primed by one untimed build, which is what a developer normally has.
//
// Usage: node tools/bench/build.js [--runs 5] [--project api] [--keep] [--idle-wait 30] [--idle-budget 180]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib');

const opts = lib.parseArgs(process.argv.slice(2), {
  runs: '5',
  project: 'api',
  'nx-version': lib.DEFAULT_NX_VERSION,
  keep: false,
  'idle-wait': '30',
  'idle-budget': '180',
});

function main() {
  lib.configureIdleGate({ waitSeconds: Number(opts['idle-wait']), budgetSeconds: Number(opts['idle-budget']) });
  const runs = lib.intList(opts.runs)[0];
  const project = String(opts.project);
  const template = lib.templateDir(String(opts['nx-version']));
  const scratch = lib.scratchDir('build');
  const ws = path.join(scratch, 'ws');
  const warmCache = path.join(scratch, 'gocache-warm');
  const coldCache = path.join(scratch, 'gocache-cold');
  const rawOut = path.join(scratch, 'raw-out', project);

  console.log(lib.describeEnvironment(template));
  console.log(`build.js --project ${project} --runs ${runs}; medians of ${runs}; daemon off; scratch ${scratch}\n`);

  try {
    lib.log(`creating the workspace with this repo's examples`);
    lib.createExampleWorkspace(ws, template);
    const envWith = (gocache) => lib.benchEnv({ GOCACHE: gocache });

    const shown = JSON.parse(lib.nx(ws, ['show', 'project', project, '--json'], envWith(warmCache)).stdout);
    if (!shown.targets || !shown.targets.build) throw new Error(`${project} has no build target`);
    const { exec, cwd, env: jobEnv = {}, output } = lib.buildJobOf(shown.targets.build);
    if (!exec) throw new Error(`${project}:build runs a shell command, not go build; pick another --project`);
    const vars = { Output: rawOut, OutputDir: path.dirname(rawOut), SourceDir: path.join(ws, cwd), Version: 'bench', BuildTime: '2026-01-02T03:04:05Z', GitCommit: 'abcdef0' };
    const argv = exec.map((a) => lib.renderTemplate(a, vars));
    const rawEnv = (gocache) => ({ ...envWith(gocache), ...jobEnv });
    const rawLine = `cd ${path.join(ws, cwd)} && ${Object.entries(jobEnv).map(([k, v]) => `${k}=${lib.shellQuote(v)} `).join('')}${argv.map(lib.shellQuote).join(' ')}`;
    fs.mkdirSync(path.dirname(rawOut), { recursive: true });

    // Nx on its own: a project of Nx's built-in executors, outside every Go project's inputs. `noop` is what
    // Nx costs to start, build the graph and run one task; `go-build` runs the same raw go build through
    // nx:run-commands, so the plugin's executor can be told apart from Nx itself.
    lib.writeFile(ws, 'bench-nx-only/project.json', JSON.stringify({
      name: 'bench-nx-only',
      targets: {
        noop: { executor: 'nx:noop', cache: false },
        'go-build': { executor: 'nx:run-commands', cache: false, options: { command: argv.map(lib.shellQuote).join(' '), cwd, env: jobEnv } },
      },
    }, null, 2));
    lib.gitCommitAll(ws, 'bench-nx-only');

    const nxOnly = (target, gocache) => {
      const r = lib.nx(ws, ['run', `bench-nx-only:${target}`, '--output-style=static'], envWith(gocache));
      const ran = target === 'noop' ? r.output.includes('Successfully ran target noop') : lib.parseTasks(r.output).get(`bench-nx-only:${target}`) === 'miss';
      if (!ran) throw new Error(`bench-nx-only:${target} did not run:\n${r.output}`);
      return r.ms;
    };
    const nxBuild = (extra, gocache, expect) => {
      const r = lib.nx(ws, ['build', project, '--output-style=static', ...extra], envWith(gocache));
      const state = lib.parseTasks(r.output).get(`${project}:build`);
      if (!expect.includes(state)) throw new Error(`expected ${project}:build to be ${expect.join(' or ')}, nx reported ${state}:\n${r.output}`);
      return r.ms;
    };
    const rawBuild = (gocache) => lib.timeRun(argv[0], argv.slice(1), { cwd: path.join(ws, cwd), env: rawEnv(gocache) }).ms;
    const freshColdCache = () => {
      fs.rmSync(coldCache, { recursive: true, force: true });
      fs.mkdirSync(coldCache, { recursive: true });
    };
    const removeRawOut = () => fs.rmSync(rawOut, { force: true });
    const binary = path.join(ws, output);
    const MISS = ['miss'];

    // Untimed: the Go build cache and Nx's workspace data get warm, as on a developer's machine.
    lib.log('priming: one nx build and one raw go build');
    nxBuild(['--skip-nx-cache'], warmCache, MISS);
    removeRawOut();
    rawBuild(warmCache);
    removeRawOut();
    nxOnly('go-build', warmCache);

    const results = {};
    const measure = (key, label, steps) => {
      lib.log(`${label} x${runs}`);
      results[key] = { label, ...lib.repeat(runs, steps) };
    };

    // Warm GOCACHE. The raw output is deleted first: the plugin builds into a new temp file every time, and an
    // existing, up-to-date -o target would let go skip the link.
    for (let r = 0; r < runs; r++) {
      // Interleaved, so that drift in the machine's speed hits both alike.
      const nxMs = nxBuild(['--skip-nx-cache'], warmCache, MISS);
      removeRawOut();
      const rawMs = rawBuild(warmCache);
      removeRawOut();
      const nxOnlyMs = nxOnly('go-build', warmCache);
      (results.nxMissWarm ??= { label: `nx build ${project} --skip-nx-cache (Nx miss), warm GOCACHE`, samples: [] }).samples.push(nxMs);
      (results.rawWarm ??= { label: 'raw go build, warm GOCACHE', samples: [] }).samples.push(rawMs);
      (results.nxOnlyGo ??= { label: 'Nx alone: nx:run-commands running the raw go build, warm GOCACHE', samples: [] }).samples.push(nxOnlyMs);
      lib.log(`warm run ${r + 1}/${runs}: nx miss ${Math.round(nxMs)} ms, raw ${Math.round(rawMs)} ms, nx:run-commands ${Math.round(nxOnlyMs)} ms`);
    }
    measure('nxOnlyNoop', 'Nx alone: nx:noop task (start, graph, run nothing)', { measure: () => nxOnly('noop', warmCache) });
    measure('rawWarmInPlace', 'raw go build, warm GOCACHE, previous output left in place', { measure: () => rawBuild(warmCache) });

    for (let r = 0; r < runs; r++) {
      freshColdCache();
      const nxMs = nxBuild(['--skip-nx-cache'], coldCache, MISS);
      freshColdCache();
      removeRawOut();
      const rawMs = rawBuild(coldCache);
      (results.nxMissCold ??= { label: `nx build ${project} --skip-nx-cache (Nx miss), cold GOCACHE`, samples: [] }).samples.push(nxMs);
      (results.rawCold ??= { label: 'raw go build, cold GOCACHE', samples: [] }).samples.push(rawMs);
      lib.log(`cold run ${r + 1}/${runs}: nx miss ${Math.round(nxMs)} ms, raw ${Math.round(rawMs)} ms`);
    }
    fs.rmSync(coldCache, { recursive: true, force: true });

    // Nx cache hits: one build stores the result, then reruns.
    nxBuild([], warmCache, ['miss', 'local cache', 'existing outputs match the cache, left as is']);
    measure('nxHit', `nx build ${project} (Nx hit, output in place)`, {
      measure: () => nxBuild([], warmCache, ['existing outputs match the cache, left as is', 'local cache']),
    });
    measure('nxHitRestore', `nx build ${project} (Nx hit, output deleted, restored from cache)`, {
      before: () => fs.rmSync(binary, { force: true }),
      measure: () => nxBuild([], warmCache, ['local cache']),
    });
    if (!fs.existsSync(binary)) throw new Error(`${binary} was not restored`);
    for (const v of Object.values(results)) v.median = lib.median(v.samples);
    const order = ['nxMissWarm', 'rawWarm', 'rawWarmInPlace', 'nxOnlyGo', 'nxOnlyNoop', 'nxMissCold', 'rawCold', 'nxHit', 'nxHitRestore'];

    console.log(`raw command (from nx show project ${project} --json, targets.build):\n  ${rawLine}\n`);
    console.log(`Wall time of one build of ${project}, median of ${runs}`);
    lib.printTable(['measurement', 'median', 'samples (ms)'], order.map((k) => results[k]).map((v) => [v.label, lib.fmtMs(v.median), v.samples.map(Math.round).join(', ')]));

    const R = (k) => results[k].median;
    console.log('\nRatios');
    lib.printTable(['comparison', 'ratio', 'difference'], [
      ['nx miss / raw go, warm GOCACHE', lib.fmtRatio(R('nxMissWarm'), R('rawWarm')), lib.fmtDelta(R('nxMissWarm') - R('rawWarm'))],
      ['nx miss / Nx alone running the raw go build (nx:run-commands), warm', lib.fmtRatio(R('nxMissWarm'), R('nxOnlyGo')), lib.fmtDelta(R('nxMissWarm') - R('nxOnlyGo'))],
      ['Nx alone (nx:run-commands) / raw go, warm GOCACHE', lib.fmtRatio(R('nxOnlyGo'), R('rawWarm')), lib.fmtDelta(R('nxOnlyGo') - R('rawWarm'))],
      ['nx miss / raw go, cold GOCACHE', lib.fmtRatio(R('nxMissCold'), R('rawCold')), lib.fmtDelta(R('nxMissCold') - R('rawCold'))],
      ['nx hit / raw go, warm GOCACHE', lib.fmtRatio(R('nxHit'), R('rawWarm')), lib.fmtDelta(R('nxHit') - R('rawWarm'))],
      ['nx hit / raw go, cold GOCACHE', lib.fmtRatio(R('nxHit'), R('rawCold')), lib.fmtDelta(R('nxHit') - R('rawCold'))],
      ['nx hit (restored) / raw go, warm GOCACHE', lib.fmtRatio(R('nxHitRestore'), R('rawWarm')), lib.fmtDelta(R('nxHitRestore') - R('rawWarm'))],
      ['raw go, output in place / output deleted, warm', lib.fmtRatio(R('rawWarmInPlace'), R('rawWarm')), lib.fmtDelta(R('rawWarmInPlace') - R('rawWarm'))],
    ]);
  } finally {
    if (!opts.keep) fs.rmSync(scratch, { recursive: true, force: true });
    else lib.log(`kept ${scratch}`);
  }
}

main();
console.log(`\nAt the end: ${lib.loadAverage()}; ${lib.idleGateSummary()}`);
