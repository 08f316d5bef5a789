// Specifies the build executor's own logic, with the process runner stubbed: config errors, missing plans, run-time timeout.

import type { ExecutorContext } from '@nx/devkit';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadServerSettings, loadWorkerSettings, readWorkerFacts } from '../../config/settings';
import { makeWorker, planBuild, planMatrix, type BuildKind } from '../../plan/build';
import { jobInput } from '../../plan/inputs';
import { runBuildJob } from '../../run/build-job';
import buildExecutor from './executor';

jest.mock('../../run/build-job', () => ({ runBuildJob: jest.fn(async () => ({ ok: true })) }));

const run = runBuildJob as jest.MockedFunction<typeof runBuildJob>;
let ws: string;
let savedVerbose: string | undefined;

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(ws, rel)), { recursive: true });
  writeFileSync(join(ws, rel), text);
}

function context(): ExecutorContext {
  return {
    root: ws,
    cwd: ws,
    isVerbose: false,
    projectName: 'api',
    targetName: 'build',
    projectsConfigurations: { version: 2, projects: { api: { root: 'workers/api' } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
}

const plan = { target: 'build' as const };

/** The job inference would plan for the same files, via the same pure functions. */
function expectedJob(target: BuildKind) {
  const server = loadServerSettings(ws);
  const facts = readWorkerFacts(ws, 'workers/api');
  return planBuild(makeWorker('api', 'workers/api', loadWorkerSettings(ws, 'workers/api', server), server, facts), target, { vendored: facts.vendored });
}

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'nx-go-exec-'));
  savedVerbose = process.env.NX_VERBOSE_LOGGING;
  delete process.env.NX_VERBOSE_LOGGING;
  run.mockReset();
  run.mockImplementation(async () => ({ ok: true }));
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
  if (savedVerbose !== undefined) process.env.NX_VERBOSE_LOGGING = savedVerbose;
  rmSync(ws, { recursive: true, force: true });
});

it('fails with the inferred config error, building nothing', async () => {
  const error = 'workers/api/config.yaml:4:12: build.timeout: 60 is not valid; expected a Go duration';
  expect(await buildExecutor({ configError: error }, context())).toEqual({ success: false });
  expect(console.error).toHaveBeenCalledWith(error);
  expect(run).not.toHaveBeenCalled();
});

it('fails when config.yaml became invalid after inference, naming file:line:col', async () => {
  write('workers/api/config.yaml', 'build:\n  timeout: sixty\n');
  expect(await buildExecutor(plan, context())).toEqual({ success: false });
  expect(console.error).toHaveBeenCalledWith(expect.stringContaining('workers/api/config.yaml:2:12'));
  expect(run).not.toHaveBeenCalled();
});

it('fails on an unknown target rather than guessing a job', async () => {
  expect(await buildExecutor({ target: 'release' as 'build' }, context())).toEqual({ success: false });
  expect(console.error).toHaveBeenCalledWith(expect.stringContaining('expected build, build-prod or cross-compile'));
  expect(run).not.toHaveBeenCalled();
});

describe('cross-compile', () => {
  const matrixJobs = () => {
    const server = loadServerSettings(ws);
    const facts = readWorkerFacts(ws, 'workers/api');
    return planMatrix(makeWorker('api', 'workers/api', loadWorkerSettings(ws, 'workers/api', server), server, facts), { vendored: facts.vendored }).map((m) => m.job);
  };
  const crossContext = (parallel?: number) =>
    ({ ...context(), targetName: 'cross-compile', nxJsonConfiguration: parallel ? { parallel } : {}, target: { inputs: [jobInput(matrixJobs())] } }) as ExecutorContext;

  let listeners: number;
  beforeEach(() => {
    write('workers/api/src/main.go', 'package main\n');
    listeners = process.listenerCount('SIGINT');
  });

  it("builds every platform of the matrix, each as build-prod's job for it, under the hash of all of them", async () => {
    expect(await buildExecutor({ target: 'cross-compile' }, crossContext())).toEqual({ success: true });
    expect(run.mock.calls.map(([job]) => job)).toEqual(matrixJobs());
    expect(run.mock.calls.map(([, opts]) => opts.label)).toEqual(
      ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64'].map((p) => `api: cross-compile ${p}`),
    );
    expect(run.mock.calls[4][0]).toEqual(expectedJob({ target: 'cross-compile', platform: { goos: 'windows', goarch: 'amd64' } }));
  });

  it("refuses a hash of one platform's job: the task hashes the matrix", async () => {
    const one = { ...crossContext(), target: { inputs: [jobInput(matrixJobs()[0])] } } as ExecutorContext;
    expect(await buildExecutor({ target: 'cross-compile' }, one)).toEqual({ success: false });
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('changed after Nx computed'));
    expect(run).not.toHaveBeenCalled();
  });

  /** Makes each stubbed build take `ms`; `most` is how many ran at once at the peak. */
  const overlap = (ms: number) => {
    const seen = { active: 0, most: 0 };
    run.mockImplementation(async () => {
      seen.most = Math.max(seen.most, ++seen.active);
      await new Promise((r) => setTimeout(r, ms));
      seen.active--;
      return { ok: true };
    });
    return seen;
  };

  it("runs at most Nx's parallelism of the platforms at once", async () => {
    const seen = overlap(20);
    expect(await buildExecutor({ target: 'cross-compile' }, crossContext(2))).toEqual({ success: true });
    expect(run).toHaveBeenCalledTimes(5);
    expect(seen.most).toBe(2);
  });

  it("runs them one at a time when server.yaml's parallel is false", async () => {
    write('config/server.yaml', 'build:\n  defaults:\n    parallel: false\n');
    const seen = overlap(5);
    expect(await buildExecutor({ target: 'cross-compile' }, crossContext(4))).toEqual({ success: true });
    expect(run).toHaveBeenCalledTimes(5);
    expect(seen.most).toBe(1);
  });

  it('fails the task when one platform fails, after the others have built', async () => {
    run.mockImplementation(async (job) => (job.env.GOOS === 'darwin' && job.env.GOARCH === 'arm64' ? { ok: false, message: 'api: cross-compile darwin/arm64: exit 1' } : { ok: true }));
    expect(await buildExecutor({ target: 'cross-compile' }, crossContext())).toEqual({ success: false });
    expect(run).toHaveBeenCalledTimes(5);
    expect(console.error).toHaveBeenCalledWith('api: cross-compile darwin/arm64: exit 1');
  });

  it("removes declared binaries this run does not write, so the cache entry holds this run's only", async () => {
    for (const p of ['linux-386', 'linux-amd64', 'windows-amd64.exe']) write(`workers/api/dist/api-${p}`, 'old');
    expect(await buildExecutor({ target: 'cross-compile' }, crossContext())).toEqual({ success: true });
    // linux/386 is a first-class port outside the matrix: a declared output nobody builds now.
    expect(existsSync(join(ws, 'workers/api/dist/api-linux-386'))).toBe(false);
    // The matrix's own binaries are left to the builds, which replace them atomically.
    expect(existsSync(join(ws, 'workers/api/dist/api-linux-amd64'))).toBe(true);
  });

  it('builds only the platform of the matrix that --platform names, and removes the other binaries', async () => {
    write('workers/api/dist/api-linux-amd64', 'old');
    expect(await buildExecutor({ target: 'cross-compile', platform: 'windows/amd64' }, crossContext())).toEqual({ success: true });
    expect(run).toHaveBeenCalledTimes(1);
    const [job, opts] = run.mock.calls[0];
    expect(job).toEqual(expectedJob({ target: 'cross-compile', platform: { goos: 'windows', goarch: 'amd64' } }));
    expect(opts.label).toBe('api: cross-compile windows/amd64');
    expect(existsSync(join(ws, 'workers/api/dist/api-linux-amd64'))).toBe(false);
  });

  it.each([
    ['a first-class port outside the matrix', 'linux/386', ''],
    ['a port the matrix ignores', 'windows/amd64', 'build:\n  cross_compile:\n    ignore: [windows/amd64]\n'],
    ['any port of an empty matrix', 'linux/amd64', 'build:\n  cross_compile:\n    platforms: []\n'],
  ])('builds nothing for %s: the job run is always one the task hashed', async (_label, platform, config) => {
    if (config) write('workers/api/config.yaml', config);
    write('workers/api/dist/api-linux-amd64', 'old');
    expect(await buildExecutor({ target: 'cross-compile', platform }, crossContext())).toEqual({ success: true });
    expect(run).not.toHaveBeenCalled();
    expect(console.info).toHaveBeenCalledWith(expect.stringContaining(`api: cross-compile: ${platform} is not in api's matrix`));
    expect(existsSync(join(ws, 'workers/api/dist/api-linux-amd64'))).toBe(false);
  });

  it.each([
    ['linux', '"linux"'],
    [true, 'true'],
    [123, '123'],
  ])('fails on a --platform that is not goos/goarch (%p), naming the value', async (platform, shown) => {
    expect(await buildExecutor({ target: 'cross-compile', platform: platform as string }, crossContext())).toEqual({ success: false });
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining(`--platform ${shown} is not valid; expected goos/goarch, e.g. linux/arm64`));
    expect(run).not.toHaveBeenCalled();
  });

  it('starts no waiting platform after Ctrl-C', async () => {
    // The first build is interrupted (runStep kills it and reports); the four waiting for a slot never start.
    run.mockImplementation(async (job) => {
      process.emit('SIGINT', 'SIGINT');
      return { ok: false, message: `api: cross-compile ${job.env.GOOS}/${job.env.GOARCH}: interrupted by SIGINT` };
    });
    expect(await buildExecutor({ target: 'cross-compile' }, crossContext(1))).toEqual({ success: false });
    expect(run).toHaveBeenCalledTimes(1);
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('api: cross-compile darwin/arm64: not started: interrupted by SIGINT'));
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });

  it('builds a platform listed twice once', async () => {
    write('workers/api/config.yaml', 'build:\n  cross_compile:\n    platforms: [linux/amd64, linux/arm64, linux/amd64]\n');
    const ctx = crossContext();
    expect(await buildExecutor({ target: 'cross-compile' }, ctx)).toEqual({ success: true });
    expect(run.mock.calls.map(([, opts]) => opts.label)).toEqual(['api: cross-compile linux/amd64', 'api: cross-compile linux/arm64']);
  });
});

it('refuses to build when the settings changed after Nx hashed the task', async () => {
  const ctx = { ...context(), target: { inputs: [{ runtime: 'echo nx-go-job 00000000000000000000000000000000' }] } } as ExecutorContext;
  expect(await buildExecutor(plan, ctx)).toEqual({ success: false });
  expect(console.error).toHaveBeenCalledWith(expect.stringContaining('changed after Nx computed'));
  expect(run).not.toHaveBeenCalled();
});

it('builds when the hashed job is the job it plans', async () => {
  const ctx = { ...context(), target: { inputs: [jobInput(expectedJob({ target: 'build' }))] } } as ExecutorContext;
  expect(await buildExecutor(plan, ctx)).toEqual({ success: true });
});

it.each([
  ['the default timeout', null, null, 60_000],
  ["the server's timeout", 'build:\n  defaults:\n    timeout: 2m\n', null, 120_000],
  ["the worker's timeout", 'build:\n  defaults:\n    timeout: 2m\n', 'build:\n  timeout: 90s\n', 90_000],
])('runs the planned job with %s', async (_label, server, worker, timeoutMs) => {
  if (server) write('config/server.yaml', server);
  if (worker) write('workers/api/config.yaml', worker);
  expect(await buildExecutor(plan, context())).toEqual({ success: true });
  expect(run).toHaveBeenCalledTimes(1);
  const [job, opts] = run.mock.calls[0];
  expect(job).toEqual(expectedJob({ target: 'build' }));
  expect(opts).toMatchObject({ workspaceRoot: ws, label: 'api: build', timeoutMs, verbose: false });
});

it('reports a failed build', async () => {
  run.mockResolvedValueOnce({ ok: false, message: 'api: build failed: exit 1' });
  expect(await buildExecutor({ target: 'build-prod' }, context())).toEqual({ success: false });
  expect(run.mock.calls[0][0]).toMatchObject({ stamp: true, validate: 'auto' });
  expect(console.error).toHaveBeenCalledWith('api: build failed: exit 1');
});
