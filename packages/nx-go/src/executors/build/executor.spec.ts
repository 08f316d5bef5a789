// Specifies the build executor's own logic, with the process runner stubbed: config errors, missing plans, run-time timeout.

import type { ExecutorContext } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadServerSettings, loadWorkerSettings, readWorkerFacts } from '../../config/settings';
import { makeWorker, planBuild, type BuildKind } from '../../plan/build';
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
  run.mockClear();
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
  expect(await buildExecutor({ target: 'cross-compile' }, context())).toEqual({ success: false });
  expect(console.error).toHaveBeenCalledWith(expect.stringContaining('expected build, build-prod, or cross-compile with a platform'));
  expect(run).not.toHaveBeenCalled();
});

it('plans a cross-compile job for the platform it names', async () => {
  write('workers/api/src/main.go', 'package main\n');
  expect(await buildExecutor({ target: 'cross-compile', platform: 'windows/arm64' }, context())).toEqual({ success: true });
  const [job] = run.mock.calls[0];
  expect(job).toEqual(expectedJob({ target: 'cross-compile', platform: { goos: 'windows', goarch: 'arm64' } }));
  expect(job.env).toMatchObject({ GOOS: 'windows', GOARCH: 'arm64' });
  expect(job.output).toBe('workers/api/dist/api-windows-arm64.exe');
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
