// Specifies what test, vet, tidy and vendor run with: the inherited environment, no timeout of ours, no config file read.

import type { ExecutorContext } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runStep } from '../run/process';
import testExecutor from './test/executor';
import tidyExecutor from './tidy/executor';
import vendorExecutor from './vendor/executor';
import vetExecutor from './vet/executor';

jest.mock('../run/process', () => ({ runStep: jest.fn(async () => ({ ok: true, stdout: '' })) }));

const step = runStep as jest.MockedFunction<typeof runStep>;
let ws: string;

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(ws, rel)), { recursive: true });
  writeFileSync(join(ws, rel), text);
}

function context(targetName: string): ExecutorContext {
  return {
    root: ws,
    cwd: ws,
    isVerbose: false,
    projectName: 'api',
    targetName,
    projectsConfigurations: { version: 2, projects: { api: { root: 'workers/api' } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
}

const options = { serverConfig: 'config/server.yaml' };
const executors: [string, (ctx: ExecutorContext) => Promise<{ success: boolean }>][] = [
  ['test', (ctx) => testExecutor(options, ctx)],
  ['vet', (ctx) => vetExecutor(options, ctx)],
  ['tidy', (ctx) => tidyExecutor(options, ctx)],
  ['vendor', (ctx) => vendorExecutor(options, ctx)],
];

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'nx-go-gocmd-'));
  step.mockClear();
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
  rmSync(ws, { recursive: true, force: true });
});

describe.each(executors)('%s', (target, run) => {
  it('runs with a broken config.yaml and a broken server.yaml: only the build targets read them', async () => {
    write('workers/api/config.yaml', 'build:\n  timeout: sixty\n');
    write('config/server.yaml', 'build:\n  defaults: [not, a, map]\n');
    expect(await run(context(target))).toEqual({ success: true });
    expect(console.error).not.toHaveBeenCalled();
    expect(step).toHaveBeenCalled();
  });

  it("ignores build.env and build.timeout: go runs in the inherited environment, with no timeout of ours", async () => {
    write('workers/api/config.yaml', 'build:\n  timeout: 2s\n  env: { GOOS: windows, CGO_ENABLED: "0", GOFLAGS: -tags=x }\n');
    write('config/server.yaml', 'build:\n  defaults: { timeout: 1s }\n');
    expect(await run(context(target))).toEqual({ success: true });
    for (const [, opts] of step.mock.calls) {
      expect(opts).toEqual({ cwd: join(ws, 'workers/api'), env: {}, label: `api: ${target}` });
    }
  });
});

describe('test --coverprofile', () => {
  it.each([
    ['/tmp/cover.out', 'is an absolute path'],
    ['../cover.out', 'is not inside the module directory'],
    ['out/../../cover.out', 'is not inside the module directory'],
    ['.', 'is not inside the module directory'],
  ])('rejects %s, running nothing', async (coverprofile, problem) => {
    expect(await testExecutor({ coverprofile }, context('test'))).toEqual({ success: false });
    expect(console.error).toHaveBeenCalledWith(
      `api: test: --coverprofile ${JSON.stringify(coverprofile)} ${problem}; expected a file path relative to the module directory workers/api, where go test runs, such as cover.out`,
    );
    expect(step).not.toHaveBeenCalled();
  });

  it.each(['cover.out', 'coverage/unit.out', './cover.out', 'out/../cover.out'])('accepts %s, passing it to go test as written', async (coverprofile) => {
    expect(await testExecutor({ coverprofile }, context('test'))).toEqual({ success: true });
    expect(step.mock.calls[0][0]).toEqual({ exec: ['go', 'test', `-coverprofile=${coverprofile}`, './...'] });
  });
});
