// Shared helpers for the tools/bench scripts: workspaces made from the e2e templates, a clean
// environment, timed runs with medians, and plain-text tables. Plain CommonJS, no build step.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_NX_VERSION = '23.3.2';

/**
 * Parses `--name value`, `--name=value` and bare `--flag` (true) into an object merged over `defaults`.
 * @param {string[]} argv
 * @param {Record<string, string | boolean>} defaults
 * @returns {Record<string, string | boolean>}
 */
function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!(name in defaults)) throw new Error(`unknown option --${name}; known: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')}`);
    if (eq !== -1) out[name] = arg.slice(eq + 1);
    else if (typeof defaults[name] === 'boolean') out[name] = true;
    else if (i + 1 < argv.length) out[name] = argv[++i];
    else throw new Error(`--${name} needs a value`);
  }
  return out;
}

/** @param {string | boolean} v @returns {number[]} */
function intList(v) {
  return String(v).split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n <= 0) throw new Error(`not a positive integer: ${s}`);
    return n;
  });
}

/**
 * The template workspace (node_modules with nx and the packed plugin) that the e2e global setup creates.
 * NX_GO_BENCH_TEMPLATE overrides the path.
 * @param {string} nxVersion
 */
function templateDir(nxVersion = DEFAULT_NX_VERSION) {
  const dir = process.env.NX_GO_BENCH_TEMPLATE || path.join(REPO_ROOT, 'tmp', 'e2e-templates', `nx-${nxVersion}`);
  if (!fs.existsSync(path.join(dir, 'node_modules', 'nx', 'package.json')) || !fs.existsSync(path.join(dir, 'node_modules', '@tqserver', 'nx-go', 'package.json'))) {
    throw new Error(
      `no template workspace at ${dir} (node_modules with nx and @tqserver/nx-go). Create it once with:\n` +
        `  cd ${REPO_ROOT} && NX_DAEMON=false npx nx build nx-go && NX_GO_E2E_NX_VERSIONS=${nxVersion} npx jest --config e2e/nx-go-e2e/jest.config.ts --runInBand src/core.spec.ts`,
    );
  }
  return dir;
}

/** A scratch directory for one bench run; removed by `cleanup` unless --keep. */
function scratchDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `nx-go-bench-${prefix}-`));
}

/**
 * Makes `dir` a workspace: node_modules hard-linked from the template (`cp -al`), package.json copied.
 * @param {string} dir  must not exist yet, or be empty
 * @param {string} template
 */
function createWorkspace(dir, template) {
  fs.mkdirSync(dir, { recursive: true });
  const cp = spawnSync('cp', ['-al', path.join(template, 'node_modules'), path.join(dir, 'node_modules')], { encoding: 'utf8' });
  if (cp.status !== 0) throw new Error(`cp -al failed: ${cp.stderr}`);
  fs.copyFileSync(path.join(template, 'package.json'), path.join(dir, 'package.json'));
  if (fs.existsSync(path.join(template, 'package-lock.json'))) fs.copyFileSync(path.join(template, 'package-lock.json'), path.join(dir, 'package-lock.json'));
  writeFile(dir, '.gitignore', 'node_modules\n.nx\nbin/\n');
  return dir;
}

/**
 * A workspace holding a copy of this repo's example workers/, libs/ and config/ (minus bin/), the plugin
 * registered in nx.json, and one git commit (production stamps are read from git).
 * @param {string} dir
 * @param {string} template
 */
function createExampleWorkspace(dir, template) {
  createWorkspace(dir, template);
  for (const sub of ['workers', 'libs', 'config']) {
    fs.cpSync(path.join(REPO_ROOT, sub), path.join(dir, sub), {
      recursive: true,
      filter: (src) => !/[\\/](bin|\.nx|vendor)([\\/]|$)/.test(src.slice(REPO_ROOT.length)),
    });
  }
  writeNxJson(dir, true);
  gitInitCommit(dir);
  return dir;
}

/** Writes `nx.json`: with the Go plugin, or (plugin=false) Nx on its own. */
function writeNxJson(dir, plugin) {
  const nxJson = { $schema: './node_modules/nx/schemas/nx-schema.json', ...(plugin ? { plugins: ['@tqserver/nx-go'] } : {}) };
  writeFile(dir, 'nx.json', JSON.stringify(nxJson, null, 2) + '\n');
}

function writeFile(root, rel, content) {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** Variables that would change what go builds, or how Nx behaves, are never inherited from the caller. */
const STRIPPED_GO_VARS = new Set([
  'GOFLAGS', 'GOOS', 'GOARCH', 'GOAMD64', 'GOARM', 'GOARM64', 'GO386', 'GOEXPERIMENT', 'CGO_ENABLED', 'CC', 'CXX',
  'GOCACHE', 'GOPROXY', 'GOTOOLCHAIN', 'GOWORK', 'GONOSUMDB', 'GOPRIVATE', 'GOINSECURE',
]);

/**
 * The environment of every measured command: offline Go, no daemon, no cloud, no TUI, no inherited NX_*.
 * @param {Record<string, string | undefined>} extra  set (or, with undefined, delete) on top
 * @returns {NodeJS.ProcessEnv}
 */
function benchEnv(extra = {}) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('NX_') || STRIPPED_GO_VARS.has(k) || k === 'JEST_WORKER_ID' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  Object.assign(env, {
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_SKIP_LOG_GROUPING: 'true',
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
    GOFLAGS: '',
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Reads the machine-wide busy and total CPU jiffies from /proc/stat (Linux); null elsewhere. */
function cpuJiffies() {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = fields[3] + (fields[4] || 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Fraction of all CPUs busy over a short window, 0..1; null where /proc/stat is missing. */
function busyFraction(windowMs = 300) {
  const a = cpuJiffies();
  if (!a) return null;
  sleepMs(windowMs);
  const b = cpuJiffies();
  return b.total === a.total ? 0 : (b.busy - a.busy) / (b.total - a.total);
}

/**
 * The idle gate: before each timed command, wait (untimed) until other work on the machine has stopped,
 * i.e. until less than `threshold` of all CPUs is busy. Each wait is capped, and so is the total, so a
 * machine that never goes quiet still gets measured; such samples are counted and reported.
 */
const idleGate = { enabled: false, threshold: 0.2, maxWaitMs: 30_000, budgetMs: 180_000, waitedMs: 0, samples: 0, busySamples: 0 };

/** @param {{ waitSeconds: number, budgetSeconds: number, threshold?: number }} o  waitSeconds 0 disables the gate */
function configureIdleGate(o) {
  idleGate.enabled = o.waitSeconds > 0;
  idleGate.maxWaitMs = o.waitSeconds * 1000;
  idleGate.budgetMs = o.budgetSeconds * 1000;
  if (o.threshold !== undefined) idleGate.threshold = o.threshold;
}

function waitForIdle() {
  if (!idleGate.enabled) return;
  idleGate.samples++;
  const start = Date.now();
  for (;;) {
    const busy = busyFraction();
    if (busy === null || busy < idleGate.threshold) break;
    const waited = Date.now() - start;
    if (waited >= idleGate.maxWaitMs || idleGate.waitedMs + waited >= idleGate.budgetMs) {
      idleGate.busySamples++;
      break;
    }
    sleepMs(1000);
  }
  idleGate.waitedMs += Date.now() - start;
}

/** One line for the report: how the idle gate went. */
function idleGateSummary() {
  if (!idleGate.enabled) return 'idle gate: off';
  return `idle gate: waited ${Math.round(idleGate.waitedMs / 1000)} s in all for the machine to be < ${Math.round(idleGate.threshold * 100)}% busy; ` +
    `${idleGate.busySamples} of ${idleGate.samples} timed commands started while other work was still running`;
}

/**
 * Runs a command once and returns its wall time in ms (process.hrtime, spawn to exit).
 * Throws with the command's output when it fails, unless `allowFailure`.
 * @param {string} file
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, allowFailure?: boolean }} opts
 */
/**
 * CPU time (user + system, ms) of the children this process has waited for, from /proc/self/stat's cutime and
 * cstime: spawnSync waits for its child, which waited for its own, so the delta around one spawnSync is the CPU
 * that command's whole process tree used (a detached process it left running is not in it). Undefined off Linux.
 */
function childrenCpuMs() {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // Fields 16 and 17 of stat(5) (cutime, cstime), counted from 1 with pid and comm cut off: indexes 13 and 14.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

function timeRun(file, args, opts) {
  waitForIdle();
  // Files, not pipes: nx 24.0.6 can exit before all it wrote to a pipe arrives (then tasks seem missing).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nx-go-bench-out-'));
  const out = fs.openSync(path.join(dir, 'stdout'), 'w');
  const err = fs.openSync(path.join(dir, 'stderr'), 'w');
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const r = spawnSync(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', out, err] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuAfter = childrenCpuMs();
  const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  fs.closeSync(out);
  fs.closeSync(err);
  r.stdout = fs.readFileSync(path.join(dir, 'stdout'), 'utf8');
  r.stderr = fs.readFileSync(path.join(dir, 'stderr'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  const output = `${r.stdout}${r.stderr}`;
  if (r.error) throw r.error;
  if (r.status !== 0 && !opts.allowFailure) {
    throw new Error(`${file} ${args.join(' ')} (in ${opts.cwd}) exited ${r.status}:\n${output.slice(-4000)}`);
  }
  return { ms, cpuMs, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', output };
}

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Runs `measure` N times, each after an untimed `before`, and returns the median of the times it reports.
 * @param {number} runs
 * @param {{ before?: (i: number) => void, measure: (i: number) => number, after?: (i: number) => void }} steps
 */
function repeat(runs, steps) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    if (steps.before) steps.before(i);
    samples.push(steps.measure(i));
    if (steps.after) steps.after(i);
  }
  return { median: median(samples), samples };
}

/** Runs nx from the workspace's own install. */
function nxArgs(ws, args) {
  return [path.join(ws, 'node_modules', '.bin', 'nx'), ...args];
}

/** @param {string} ws @param {string[]} args @param {NodeJS.ProcessEnv} env */
function nx(ws, args, env, allowFailure = false) {
  return timeRun(process.execPath, nxArgs(ws, args), { cwd: ws, env, allowFailure });
}

/** Removes every Nx cache of a workspace: task cache and workspace data (project graph, file map, plugin memos). */
function clearNxCache(ws) {
  fs.rmSync(path.join(ws, '.nx'), { recursive: true, force: true });
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z',
};

/** Runs git in `ws` with a fixed author and date. */
function git(ws, args) {
  const r = spawnSync('git', args, { cwd: ws, env: { ...benchEnv(), ...GIT_ENV }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Commits everything in `ws`. */
function gitCommitAll(ws, message = 'bench') {
  git(ws, ['add', '-A']);
  git(ws, ['commit', '-q', '--allow-empty', '-m', message]);
}

/** `git init` and one commit of everything. */
function gitInitCommit(ws) {
  git(ws, ['init', '-q', '-b', 'main']);
  gitCommitAll(ws);
}

/**
 * Each task nx ran, "project:target" -> where its result came from ('miss' when it ran).
 * Needs --output-style=static.
 */
function parseTasks(output) {
  const tasks = new Map();
  for (const m of output.matchAll(/^> nx run (\S+?)(?:\s+\[([^\]]+)\])?\s*$/gm)) tasks.set(m[1], m[2] ?? 'miss');
  return tasks;
}

function goVersion() {
  const r = spawnSync('go', ['version'], { encoding: 'utf8', env: benchEnv() });
  return r.status === 0 ? r.stdout.trim() : 'go: not found';
}

/** One line about the machine and tool versions, printed above every table. */
function describeEnvironment(template) {
  const nxVersion = JSON.parse(fs.readFileSync(path.join(template, 'node_modules', 'nx', 'package.json'), 'utf8')).version;
  const pluginVersion = JSON.parse(fs.readFileSync(path.join(template, 'node_modules', '@tqserver', 'nx-go', 'package.json'), 'utf8')).version;
  const cpus = os.cpus();
  const stampFile = path.join(template, '.template-stamp');
  const stamp = fs.existsSync(stampFile) ? `, tarball sha256 ${fs.readFileSync(stampFile, 'utf8').trim().slice(0, 12)}` : '';
  return [
    `node ${process.version}, nx ${nxVersion}, @tqserver/nx-go ${pluginVersion} (from ${template}${stamp}), ${goVersion()}`,
    `${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} CPU(s) ${cpus[0] ? cpus[0].model.trim() : ''}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${loadAverage()}`,
  ].join('\n');
}

/** The 1-minute load average: other work on the machine shows up in every timing. */
function loadAverage() {
  return `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

/** @param {number} ms */
function fmtMs(ms) {
  return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** @param {number} a @param {number} b */
function fmtRatio(a, b) {
  return `${(a / b).toFixed(2)}x`;
}

/** @param {number} ms */
function fmtDelta(ms) {
  return `${ms >= 0 ? '+' : '-'}${Math.round(Math.abs(ms))} ms`;
}

/**
 * Prints an aligned table with a Markdown-compatible layout.
 * @param {string[]} headers
 * @param {Array<Array<string | number>>} rows
 */
function printTable(headers, rows) {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r) => `| ${r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w, c) => (c === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}

/** Progress goes to stderr so stdout holds only the report. */
function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

/**
 * The planned build step of an inferred build target ({ cwd, exec | shell, env, output, … }): in the target's
 * options in some plugin versions, in metadata.job in others.
 * @param {any} target
 */
function buildJobOf(target) {
  for (const candidate of [target && target.options, target && target.metadata && target.metadata.job]) {
    if (candidate && typeof candidate.cwd === 'string' && (Array.isArray(candidate.exec) || typeof candidate.shell === 'string')) return candidate;
  }
  throw new Error(`no build plan (cwd and exec) in this target's options or metadata.job: ${JSON.stringify(target)}`);
}

/**
 * The jobs of a worker's cross-compile task, one per platform of its matrix: build-prod's job (metadata.job)
 * with the variables and output its description names ("Production builds for linux/amd64, …: build-prod's
 * job with GOOS=<goos> GOARCH=<goarch> CGO_ENABLED=0, into workers/api/dist/api-<goos>-<goarch>[.exe]; …").
 * @param {any} targets  a project's targets, as `nx show project --json` prints them
 * @returns {Array<{ platform: string, job: ReturnType<typeof buildJobOf> }>}
 */
function matrixJobsOf(targets) {
  const description = (targets['cross-compile'] && targets['cross-compile'].metadata && targets['cross-compile'].metadata.description) || '';
  const m = /^Production builds for ([^:]+): build-prod's job with ((?:\S+=\S* ?)+), into (\S+);/.exec(description);
  if (!m) throw new Error(`no cross-compile plan in ${JSON.stringify(description)}`);
  const prod = buildJobOf(targets['build-prod']);
  return m[1].split(', ').map((platform) => {
    const [goos, goarch] = platform.split('/');
    const fill = (s) => s.replaceAll('<goos>', goos).replaceAll('<goarch>', goarch);
    const pins = Object.fromEntries(m[2].trim().split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), fill(kv.slice(kv.indexOf('=') + 1))]));
    const output = fill(m[3]).replace('[.exe]', goos === 'windows' ? '.exe' : '');
    return { platform, job: { ...prod, env: { ...prod.env, ...pins }, output } };
  });
}

/**
 * Fills the plugin's build-step templates ({{.Output}}, {{.Version}}, …) the way its executor does.
 * @param {string} text @param {Record<string, string>} vars
 */
function renderTemplate(text, vars) {
  return text.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (whole, name) => {
    if (!(name in vars)) throw new Error(`unknown template ${whole}`);
    return vars[name];
  });
}

function shellQuote(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

module.exports = {
  REPO_ROOT,
  DEFAULT_NX_VERSION,
  parseArgs,
  intList,
  templateDir,
  scratchDir,
  createWorkspace,
  createExampleWorkspace,
  writeNxJson,
  writeFile,
  benchEnv,
  timeRun,
  median,
  repeat,
  nx,
  nxArgs,
  clearNxCache,
  gitInitCommit,
  gitCommitAll,
  parseTasks,
  describeEnvironment,
  configureIdleGate,
  waitForIdle,
  idleGateSummary,
  busyFraction,
  loadAverage,
  fmtMs,
  fmtRatio,
  fmtDelta,
  printTable,
  log,
  shellQuote,
  renderTemplate,
  buildJobOf,
  matrixJobsOf,
};
