#!/usr/bin/env node
// Issue 10 benchmark: save -> first response from the new binary under `nx serve`, side by side in one run with
// the raw relink (go build, warm cache), air (when it installs through the Go module proxy) and a kill-and-restart loop.
//
// The example workspace's api becomes a small HTTP worker (WORKER_PORT, /health, a response naming its version).
// Each variant serves its own copy of that worker, so one save reaches one variant only:
//   nx serve    `nx serve api --port=<p>`, started once; the plugin's watcher, debounce (file_watcher.debounce_ms,
//               default 50), build, readiness and proxy switch are all in the time
//   raw relink  the planned `go build` (argv from `nx show project api --json`) after the edit, warm GOCACHE:
//               the floor every reloader pays
//   restart     the edit, then at once: SIGTERM the old process, the same go build, start, poll until the new
//               version answers. No watcher, so no detection delay: the best a kill-and-restart loop can do
//   air         github.com/air-verse/air with its default settings, building with the same argv
// A save is a write of main.go with a new version string; the time runs from the write to the first response
// that carries it, polled every 5 ms by one sequential client, which also counts failed requests (downtime).
//
// Usage: node tools/bench/serve.js [--runs 5] [--air-version v1.67.4] [--no-air] [--keep] [--idle-wait 30] [--idle-budget 180]
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const lib = require('./lib');

const opts = lib.parseArgs(process.argv.slice(2), {
  runs: '5',
  'air-version': 'v1.67.4',
  'no-air': false,
  'nx-version': lib.DEFAULT_NX_VERSION,
  keep: false,
  'idle-wait': '30',
  'idle-budget': '180',
});

const POLL_MS = 5;
const TIMEOUT_MS = 120_000;

function workerMain(version) {
  return `package main

import (
	"fmt"
	"net/http"
	"os"

	"example.com/tqserver/libs/shared"
)

const version = "${version}"

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "version=%s %s", version, shared.Greeting("api")) })
	if err := http.ListenAndServe("127.0.0.1:"+os.Getenv("WORKER_PORT"), mux); err != nil {
		panic(err)
	}
}
`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fetchBody(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 ? body : null));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Sequential polling from `start` until a response carries `version`: the time, and the failed requests on the way. */
async function pollFor(port, version, start) {
  let failed = 0;
  for (;;) {
    const body = await fetchBody(port);
    if (body === null) failed++;
    else if (body.startsWith(`version=${version} `)) return { ms: Number(process.hrtime.bigint() - start) / 1e6, failed };
    if (Number(process.hrtime.bigint() - start) / 1e6 > TIMEOUT_MS) throw new Error(`port ${port} never answered version ${version}`);
    await sleep(POLL_MS);
  }
}

/** A background process in its own group, its output kept for error messages. */
function background(file, args, options) {
  const child = spawn(file, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { child, output: '', exited: new Promise((r) => child.on('exit', r)) };
  child.stdout.setEncoding('utf8').on('data', (d) => (proc.output += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (proc.output += d));
  return proc;
}

async function stopGroup(proc) {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  try {
    process.kill(-proc.child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-proc.child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }, 5000);
  await proc.exited;
  clearTimeout(timer);
}

async function waitForOutput(proc, re, what) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!re.test(proc.output)) {
    if (Date.now() > deadline || proc.child.exitCode !== null) throw new Error(`${what} did not start:\n${proc.output.slice(-4000)}`);
    await sleep(50);
  }
}

/** A copy of the worker module outside the workspace, its local replaces made absolute, for one variant. */
function copyWorker(ws, dest) {
  fs.cpSync(path.join(ws, 'workers', 'api'), dest, { recursive: true, filter: (src) => !/[\\/]bin([\\/]|$)/.test(src) });
  const goMod = path.join(dest, 'go.mod');
  fs.writeFileSync(goMod, fs.readFileSync(goMod, 'utf8').replaceAll('../../libs/', `${path.join(ws, 'libs')}/`));
}

/** go install github.com/air-verse/air@<v> through the Go module proxy into `gobin`; the binary or the reason it failed. */
function installAir(version, gobin, gocache) {
  const env = lib.benchEnv({ GOBIN: gobin, GOCACHE: gocache, GOPROXY: 'https://proxy.golang.org', GOTOOLCHAIN: 'local' });
  const r = spawnSync('go', ['install', `github.com/air-verse/air@${version}`], { env, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return { error: `${(r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-2).join(' ')}` };
  return { air: path.join(gobin, 'air') };
}

async function main() {
  lib.configureIdleGate({ waitSeconds: Number(opts['idle-wait']), budgetSeconds: Number(opts['idle-budget']) });
  const runs = lib.intList(opts.runs)[0];
  const template = lib.templateDir(String(opts['nx-version']));
  const scratch = lib.scratchDir('serve');
  const ws = path.join(scratch, 'ws');
  const gocache = path.join(scratch, 'gocache');
  const env = lib.benchEnv({ GOCACHE: gocache });
  const procs = [];

  console.log(lib.describeEnvironment(template));
  console.log(`serve.js --runs ${runs}; medians of ${runs} saves per variant, order rotated per round; warm GOCACHE; daemon off; scratch ${scratch}\n`);

  try {
    lib.log('creating the workspace; api becomes an HTTP worker');
    lib.createExampleWorkspace(ws, template);
    lib.writeFile(ws, 'workers/api/src/main.go', workerMain('0'));
    fs.rmSync(path.join(ws, 'workers/api/src/banner.txt'), { force: true });
    lib.gitCommitAll(ws, 'http worker');

    const shown = JSON.parse(lib.nx(ws, ['show', 'project', 'api', '--json'], env).stdout);
    const job = lib.buildJobOf(shown.targets.build);
    if (!job.exec) throw new Error('api:build runs a shell command, not go build');
    const jobEnv = { ...env, ...(job.env || {}) };
    const buildArgv = (out) => job.exec.map((a) => lib.renderTemplate(a, { Output: out }));

    const rawDir = path.join(scratch, 'raw', 'api');
    const restartDir = path.join(scratch, 'restart', 'api');
    const airDir = path.join(scratch, 'air', 'api');
    for (const d of [rawDir, restartDir, airDir]) copyWorker(ws, d);
    const relDir = path.relative(path.join(ws, 'workers', 'api'), path.join(ws, job.cwd));
    const goBuild = (dir, out) => lib.timeRun(buildArgv(out)[0], buildArgv(out).slice(1), { cwd: path.join(dir, relDir), env: jobEnv });
    lib.log('priming GOCACHE');
    goBuild(rawDir, path.join(rawDir, 'bin', 'api'));

    /** @type {Record<string, { save: (v: string) => Promise<{ ms: number, failed: number }> }>} */
    const variants = {};

    // nx serve
    const servePort = await freePort();
    const serve = background(process.execPath, lib.nxArgs(ws, ['serve', 'api', `--port=${servePort}`, '--output-style=stream']), { cwd: ws, env });
    procs.push(serve);
    lib.log(`starting nx serve api on ${servePort}`);
    await waitForOutput(serve, /api: serve: serving http/, 'nx serve');
    variants['nx serve'] = {
      save: async (v) => {
        fs.writeFileSync(path.join(ws, 'workers/api/src/main.go'), workerMain(v));
        return pollFor(servePort, v, process.hrtime.bigint());
      },
    };

    // kill-and-restart loop
    const restartPort = await freePort();
    const restartBin = path.join(restartDir, 'bin', 'api');
    let restarted = null;
    const startRestarted = () => {
      restarted = background(restartBin, [], { cwd: restartDir, env: { ...env, WORKER_PORT: String(restartPort), PORT: String(restartPort) } });
      procs.push(restarted);
    };
    goBuild(restartDir, restartBin);
    startRestarted();
    variants.restart = {
      save: async (v) => {
        fs.writeFileSync(path.join(restartDir, 'src/main.go'), workerMain(v));
        const start = process.hrtime.bigint();
        const polled = pollFor(restartPort, v, start);
        await stopGroup(restarted);
        const argv = buildArgv(restartBin);
        await new Promise((resolve, reject) => {
          const b = spawn(argv[0], argv.slice(1), { cwd: path.join(restartDir, relDir), env: jobEnv, stdio: 'ignore' });
          b.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go build exited ${code}`))));
        });
        startRestarted();
        return polled;
      },
    };

    // air
    let airSkipped = opts['no-air'] ? 'skipped (--no-air)' : null;
    if (!airSkipped) {
      lib.log(`go install github.com/air-verse/air@${opts['air-version']}`);
      const installed = installAir(String(opts['air-version']), path.join(scratch, 'gobin'), gocache);
      if (installed.error) airSkipped = `skipped: go install failed: ${installed.error}`;
      else {
        const airPort = await freePort();
        const argv = buildArgv('./tmp/api').map(lib.shellQuote).join(' ');
        const cmd = relDir ? `cd ${lib.shellQuote(relDir)} && ${argv}` : argv;
        // Air's defaults, except what must name this worker: the build command (the plan's argv) and the binary.
        fs.writeFileSync(path.join(airDir, '.air.toml'), `root = "."\ntmp_dir = "tmp"\n\n[build]\ncmd = ${JSON.stringify(cmd)}\nbin = "./tmp/api"\n`);
        const air = background(installed.air, ['-c', '.air.toml'], { cwd: airDir, env: { ...jobEnv, WORKER_PORT: String(airPort), PORT: String(airPort) } });
        procs.push(air);
        lib.log(`starting air on ${airPort}`);
        await pollFor(airPort, '0', process.hrtime.bigint());
        variants.air = {
          save: async (v) => {
            fs.writeFileSync(path.join(airDir, 'src/main.go'), workerMain(v));
            return pollFor(airPort, v, process.hrtime.bigint());
          },
        };
      }
    }

    // raw relink: the floor
    variants['raw relink'] = {
      save: async (v) => {
        fs.writeFileSync(path.join(rawDir, 'src/main.go'), workerMain(v));
        fs.rmSync(path.join(rawDir, 'bin', 'api'), { force: true });
        return { ms: goBuild(rawDir, path.join(rawDir, 'bin', 'api')).ms, failed: 0 };
      },
    };

    const names = Object.keys(variants);
    const samples = Object.fromEntries(names.map((n) => [n, []]));
    const failed = Object.fromEntries(names.map((n) => [n, 0]));
    let version = 0;
    // One untimed round first: every variant has built and started its current code once.
    for (let round = -1; round < runs; round++) {
      const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length]);
      for (const name of order) {
        version++;
        await sleep(300);
        lib.waitForIdle();
        const r = await variants[name].save(String(version));
        if (round >= 0) {
          samples[name].push(r.ms);
          failed[name] += r.failed;
        }
        lib.log(`round ${round + 1}: ${name} ${Math.round(r.ms)} ms, ${r.failed} failed requests`);
      }
      // Leave time for a reloader's own trailing work (air's old process, serve's drain) before the next save.
      await sleep(1500);
    }

    const med = Object.fromEntries(names.map((n) => [n, lib.median(samples[n])]));
    const raw = med['raw relink'];
    console.log('save -> first response from the new binary (raw relink: go build only)\n');
    lib.printTable(
      ['variant', 'median', 'vs raw relink', 'minus raw relink', 'failed requests while polling', 'samples (ms)'],
      names.map((n) => [n, lib.fmtMs(med[n]), lib.fmtRatio(med[n], raw), lib.fmtDelta(med[n] - raw), n === 'raw relink' ? '-' : String(failed[n]), samples[n].map(Math.round).join(' ')]),
    );
    if (airSkipped) console.log(`\nair: ${airSkipped}`);
    if (med.air !== undefined) console.log(`\nnx serve / air: ${lib.fmtRatio(med['nx serve'], med.air)}`);
    console.log(`nx serve / kill-and-restart: ${lib.fmtRatio(med['nx serve'], med.restart)}`);
    console.log(`\nissue 10 target: nx serve <= raw relink + 250 ms: ${med['nx serve'] <= raw + 250 ? 'met' : 'NOT met'} (${lib.fmtDelta(med['nx serve'] - raw)})`);
    console.log(`${lib.idleGateSummary()}; ${lib.loadAverage()}`);
  } finally {
    for (const p of procs) await stopGroup(p);
    if (!opts.keep) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
