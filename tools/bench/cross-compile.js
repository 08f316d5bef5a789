#!/usr/bin/env node
// Issue 3 benchmark: the 5-platform cross-compile of one worker, through Nx (one task, its platforms in parallel)
// against the same five `go build` commands run one after another by a shell, side by side in one run.
//
// The per-platform argv, env and cwd are read from `nx show project <worker> --json`
// (targets.cross-compile: build-prod's job with each platform's variables, lib.matrixJobsOf); the stamp templates ({{.Version}} …) get fixed strings
// in the shell script, and {{.Output}} a scratch path. Cold = a fresh, empty GOCACHE for every run (so the
// standard library is compiled for every platform); warm = a GOCACHE primed by one untimed build.
// Nx runs with --skip-nx-cache, so every platform builds; the Nx cache hit is shown for reference.
//
// Usage: node tools/bench/cross-compile.js [--runs 3] [--parallel 2,5] [--project api] [--shell-parallel] [--keep] [--idle-wait 30] [--idle-budget 180]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib');

const opts = lib.parseArgs(process.argv.slice(2), {
  runs: '3',
  parallel: '2,5',
  project: 'api',
  'nx-version': lib.DEFAULT_NX_VERSION,
  'shell-parallel': false,
  keep: false,
  'idle-wait': '30',
  'idle-budget': '180',
});

function main() {
  lib.configureIdleGate({ waitSeconds: Number(opts['idle-wait']), budgetSeconds: Number(opts['idle-budget']) });
  const runs = lib.intList(opts.runs)[0];
  const parallels = lib.intList(opts.parallel);
  const project = String(opts.project);
  const template = lib.templateDir(String(opts['nx-version']));
  const scratch = lib.scratchDir('cross');
  const ws = path.join(scratch, 'ws');
  const warmCache = path.join(scratch, 'gocache-warm');
  const coldCache = path.join(scratch, 'gocache-cold');
  const rawDir = path.join(scratch, 'raw-out');

  console.log(lib.describeEnvironment(template));
  console.log(`cross-compile.js --project ${project} --runs ${runs} --parallel ${parallels.join(',')}; medians of ${runs}; daemon off; scratch ${scratch}\n`);

  try {
    lib.log(`creating the workspace with this repo's examples`);
    lib.createExampleWorkspace(ws, template);
    const envWith = (gocache) => lib.benchEnv({ GOCACHE: gocache });

    const shown = JSON.parse(lib.nx(ws, ['show', 'project', project, '--json'], envWith(warmCache)).stdout);
    const matrix = lib.matrixJobsOf(shown.targets);
    if (matrix.length === 0) throw new Error(`${project}:cross-compile has no platforms: ${JSON.stringify(shown.targets['cross-compile'])}`);

    // One shell script, the five commands one after another, as a developer's build-all-platforms.sh would.
    const vars = { Version: 'bench', BuildTime: '2026-01-02T03:04:05Z', GitCommit: 'abcdef0' };
    const commands = matrix.map(({ job: o }) => {
      const out = path.join(rawDir, path.basename(o.output));
      const argv = o.exec.map((a) => lib.renderTemplate(a, { ...vars, Output: out, OutputDir: rawDir, SourceDir: path.join(ws, o.cwd) }));
      const envPrefix = Object.entries(o.env || {}).map(([k, v]) => `${k}=${lib.shellQuote(v)}`).join(' ');
      return `(cd ${lib.shellQuote(path.join(ws, o.cwd))} && ${envPrefix} ${argv.map(lib.shellQuote).join(' ')})`;
    });
    const sequential = path.join(scratch, 'cross-sequential.sh');
    fs.writeFileSync(sequential, ['#!/usr/bin/env bash', 'set -euo pipefail', ...commands, ''].join('\n'));
    const parallelScript = path.join(scratch, 'cross-parallel.sh');
    fs.writeFileSync(parallelScript, ['#!/usr/bin/env bash', 'set -euo pipefail', 'pids=()', ...commands.map((c) => `${c} & pids+=($!)`), 'for p in "${pids[@]}"; do wait "$p"; done', ''].join('\n'));

    const freshColdCache = () => {
      fs.rmSync(coldCache, { recursive: true, force: true });
      fs.mkdirSync(coldCache, { recursive: true });
    };
    const cleanRawOut = () => {
      fs.rmSync(rawDir, { recursive: true, force: true });
      fs.mkdirSync(rawDir, { recursive: true });
    };
    const shell = (script, gocache) => {
      cleanRawOut();
      const ms = lib.timeRun('bash', [script], { cwd: ws, env: envWith(gocache) }).ms;
      const built = fs.readdirSync(rawDir).length;
      if (built !== matrix.length) throw new Error(`${script} wrote ${built} binaries, expected ${matrix.length}`);
      return ms;
    };
    const nxCross = (parallel, gocache, extra, expect) => {
      const r = lib.nx(ws, ['run', `${project}:cross-compile`, `--parallel=${parallel}`, '--output-style=static', ...extra], envWith(gocache));
      const state = lib.parseTasks(r.output).get(`${project}:cross-compile`);
      if (!expect.includes(state)) throw new Error(`expected ${project}:cross-compile to be ${expect.join(' or ')}, nx reported ${state}:\n${r.output}`);
      return r.ms;
    };

    /** @type {Array<{ key: string, short: string, label: string, run: (gocache: string) => number }>} */
    const variants = [
      ...parallels.map((p) => ({ key: `nx-p${p}`, short: `nx --parallel=${p}`, label: `nx run ${project}:cross-compile --skip-nx-cache --parallel=${p}`, run: (c) => nxCross(p, c, ['--skip-nx-cache'], ['miss']) })),
      { key: 'shell-seq', short: 'shell sequential', label: 'shell: the 5 go builds one after another', run: (c) => shell(sequential, c) },
      ...(opts['shell-parallel'] ? [{ key: 'shell-par', short: 'shell all at once', label: 'shell: the 5 go builds all at once (& + wait)', run: (c) => shell(parallelScript, c) }] : []),
    ];

    lib.log('priming: one nx cross-compile and one shell run, warm GOCACHE');
    nxCross(parallels[0], warmCache, ['--skip-nx-cache'], ['miss']);
    shell(sequential, warmCache);

    /** @type {Record<string, Record<string, number[]>>} */
    const samples = { cold: {}, warm: {} };
    for (const cache of ['warm', 'cold']) {
      for (let r = 0; r < runs; r++) {
        // Rotate the order, so that no variant always runs first.
        const order = variants.map((_, i) => variants[(i + r) % variants.length]);
        for (const v of order) {
          if (cache === 'cold') freshColdCache();
          const ms = v.run(cache === 'cold' ? coldCache : warmCache);
          (samples[cache][v.key] ??= []).push(ms);
          lib.log(`${cache} run ${r + 1}/${runs}: ${v.label}: ${Math.round(ms)} ms`);
        }
      }
    }
    fs.rmSync(coldCache, { recursive: true, force: true });

    // For reference: everything from the Nx cache.
    nxCross(parallels[0], warmCache, [], ['miss', 'local cache', 'existing outputs match the cache, left as is']);
    const hit = lib.repeat(runs, { measure: () => nxCross(parallels[0], warmCache, [], ['existing outputs match the cache, left as is', 'local cache']) });

    console.log(`shell script (sequential), from nx show project ${project} --json:`);
    console.log(fs.readFileSync(sequential, 'utf8').split('\n').filter((l) => l.startsWith('(')).map((l) => `  ${l}`).join('\n'));
    console.log(`\nWall time of the ${matrix.length}-platform cross-compile of ${project}, median of ${runs}`);
    const rows = [];
    for (const cache of ['cold', 'warm']) {
      for (const v of variants) {
        const s = samples[cache][v.key];
        rows.push([v.label, cache, lib.fmtMs(lib.median(s)), s.map(Math.round).join(', ')]);
      }
    }
    rows.push([`nx run ${project}:cross-compile --parallel=${parallels[0]} (Nx hit, all 5 from cache)`, 'n/a', lib.fmtMs(hit.median), hit.samples.map(Math.round).join(', ')]);
    lib.printTable(['measurement', 'GOCACHE', 'median', 'samples (ms)'], rows);

    console.log('\nRatios (below 1.00x: Nx, its platforms in parallel, is faster than the sequential shell loop)');
    const ratioRows = [];
    for (const cache of ['cold', 'warm']) {
      const base = lib.median(samples[cache]['shell-seq']);
      for (const v of variants.filter((x) => x.key !== 'shell-seq')) {
        const m = lib.median(samples[cache][v.key]);
        ratioRows.push([`${v.short} / shell sequential`, cache, lib.fmtRatio(m, base), lib.fmtDelta(m - base)]);
      }
    }
    lib.printTable(['comparison', 'GOCACHE', 'ratio', 'difference'], ratioRows);
  } finally {
    if (!opts.keep) fs.rmSync(scratch, { recursive: true, force: true });
    else lib.log(`kept ${scratch}`);
  }
}

main();
console.log(`\nAt the end: ${lib.loadAverage()}; ${lib.idleGateSummary()}`);
