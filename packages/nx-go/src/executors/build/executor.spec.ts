// Specifies the build executor's own logic, with the process runner stubbed: config errors, missing plans, run-time timeout.

import { logger, type ExecutorContext } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

const plan = { cwd: 'workers/api', exec: ['go', 'build', '-o', '{{.Output}}', './src'], env: { GOOS: 'linux' }, output: 'workers/api/bin/api' };

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'nx-go-exec-'));
  savedVerbose = process.env.NX_VERBOSE_LOGGING;
  delete process.env.NX_VERBOSE_LOGGING;
  run.mockClear();
  jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
  if (savedVerbose !== undefined) process.env.NX_VERBOSE_LOGGING = savedVerbose;
  rmSync(ws, { recursive: true, force: true });
});

it('fails with the inferred config error, building nothing', async () => {
  const error = 'workers/api/config.yaml:4:12: build.timeout: 60 is not valid; expected a Go duration';
  expect(await buildExecutor({ configError: error }, context())).toEqual({ success: false });
  expect(logger.error).toHaveBeenCalledWith(error);
  expect(run).not.toHaveBeenCalled();
});

it('fails when config.yaml became invalid after inference, naming file:line:col', async () => {
  write('workers/api/config.yaml', 'build:\n  timeout: sixty\n');
  expect(await buildExecutor(plan, context())).toEqual({ success: false });
  expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('workers/api/config.yaml:2:12'));
  expect(run).not.toHaveBeenCalled();
});

it.each([
  ['no cwd', { ...plan, cwd: undefined }],
  ['no output', { ...plan, output: undefined }],
  ['neither exec nor shell', { ...plan, exec: undefined }],
])('fails on options without a build plan (%s)', async (_label, options) => {
  expect(await buildExecutor(options, context())).toEqual({ success: false });
  expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('api: build'));
  expect(run).not.toHaveBeenCalled();
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
  expect(job).toEqual({ ...plan, shell: undefined, stamp: false, validate: false });
  expect(opts).toMatchObject({ workspaceRoot: ws, label: 'api: build', timeoutMs, verbose: false });
});

it('reports a failed build', async () => {
  run.mockResolvedValueOnce({ ok: false, message: 'api: build failed: exit 1' });
  expect(await buildExecutor({ ...plan, stamp: true, validate: 'auto' }, context())).toEqual({ success: false });
  expect(run.mock.calls[0][0]).toMatchObject({ stamp: true, validate: 'auto' });
  expect(logger.error).toHaveBeenCalledWith('api: build failed: exit 1');
});
