// The first commands of a new user, in order, in a fresh workspace with only nx and the packed plugin: both layouts.
import { spawn } from 'node:child_process';
import { readdirSync, rmSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { contextCopySources } from '../../../packages/nx-go/src/plan/dockerfile';
import { TEMPLATES_DIR } from './support/paths';
import { Workspace } from './support/workspace';
import { within } from './support/within';

const GITIGNORE_LINES = ['bin/', 'dist/', '.jobs/', '.nx/cache/'];

/** Starts the built worker on a free-ish port, waits for /health 200, sends SIGTERM, and returns its exit code. */
async function serveOnce(ws: Workspace, binary: string, port: number): Promise<{ health: number; code: number | null }> {
  const child = spawn(ws.path(binary), [], { env: { ...ws.env, WORKER_PORT: String(port) }, stdio: 'ignore' });
  try {
    let health = 0;
    for (let i = 0; i < 100 && health !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0);
    }
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return { health, code: await exited };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/**
 * `nx serve <project> --port=<port>` in the background, in its own process group: waits for /health 200
 * through the proxy, then Ctrl-C (SIGINT to the group) and the exit code. Bounded polling, loopback only.
 */
async function serveThroughNx(ws: Workspace, project: string, port: number): Promise<{ health: number; exited: boolean }> {
  const nx = spawn(process.execPath, [ws.path('node_modules/.bin/nx'), 'serve', project, `--port=${port}`, '--output-style=stream'], {
    cwd: ws.root,
    env: ws.env,
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => nx.on('exit', () => resolve()));
  try {
    let health = 0;
    for (let i = 0; i < 1200 && health !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0);
    }
    process.kill(-nx.pid!, 'SIGINT');
    const stopped = await within(exited.then(() => true), 30_000, false);
    return { health, exited: stopped };
  } finally {
    if (nx.exitCode === null && nx.signalCode === null) {
      try {
        process.kill(-nx.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Every COPY source read from the build context must exist once build-prod has run. */
function expectCopySourcesExist(ws: Workspace, dockerfile: string): void {
  const sources = contextCopySources(ws.read(dockerfile));
  expect(sources.length).toBeGreaterThan(0);
  for (const s of sources) expect(ws.exists(s)).toBe(true);
}

function expectDockerBuildSkips(ws: Workspace, project: string): void {
  // podman is not installed here: the target must say so in one line and succeed.
  const r = ws.nxOk(['run', `${project}:docker-build`, '--builder=podman', '--skip-nx-cache']);
  expect(r.output.match(/podman is not installed; skipped building the image/g)).toHaveLength(1);
}

describe('generators: module layout, from nx add', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = Workspace.create({ examples: false });
    // Start from only nx: the template has the plugin installed and registered, so undo both.
    const pkg = JSON.parse(ws.read('package.json'));
    delete pkg.devDependencies['@tqserver/nx-go'];
    ws.write('package.json', JSON.stringify(pkg, null, 2));
    rmSync(ws.path('node_modules/@tqserver'), { recursive: true, force: true });
    // npm rewrites this file; it is a hard link into the template, so give the workspace its own copy.
    const lock = ws.read('node_modules/.package-lock.json');
    rmSync(ws.path('node_modules/.package-lock.json'));
    ws.write('node_modules/.package-lock.json', lock);
    ws.write('nx.json', JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }, null, 2));
    ws.write('.gitignore', 'node_modules\n.nx\n');
    ws.commit('only nx');
  });
  afterAll(() => ws.destroy());

  it('nx add installs the packed plugin from its tarball, registers it and gitignores the outputs; init again changes nothing', () => {
    const tarball = join(TEMPLATES_DIR, readdirSync(TEMPLATES_DIR).find((f) => f.endsWith('.tgz'))!);
    ws.nxOk(['add', `@tqserver/nx-go@file:${tarball}`]);
    expect(ws.exists('node_modules/@tqserver/nx-go/schemas/worker-config.json')).toBe(true);
    const nxJson = JSON.parse(ws.read('nx.json'));
    expect(nxJson.plugins).toEqual(['@tqserver/nx-go']);
    expect(nxJson.parallel).toBe(4);
    const gitignore = ws.read('.gitignore');
    for (const line of GITIGNORE_LINES) expect(gitignore.split('\n')).toContain(line);

    ws.commit('nx add');
    ws.nxOk(['g', '@tqserver/nx-go:init']);
    expect(ws.read('.gitignore')).toBe(gitignore);
    expect(JSON.parse(ws.read('nx.json'))).toEqual(nxJson);
  });

  it('--dry-run writes nothing', () => {
    const r = ws.nxOk(['g', '@tqserver/nx-go:worker', 'hello', '--dry-run']);
    expect(r.output).toContain('CREATE workers/hello/src/main.go');
    expect(ws.exists('workers/hello')).toBe(false);
    expect(ws.git('status', '--porcelain')).toBe('');
  });

  it('worker -> build -> test -> the binary serves /health and stops on SIGTERM', async () => {
    ws.nxOk(['g', '@tqserver/nx-go:worker', 'hello']);
    expect(ws.read('workers/hello/config.yaml')).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/node_modules\/@tqserver\/nx-go\/schemas\/worker-config\.json/);
    ws.nxOk(['build', 'hello']);
    expect(ws.exists('workers/hello/bin/hello')).toBe(true);
    ws.nxOk(['test', 'hello']);
    expect(await serveOnce(ws, 'workers/hello/bin/hello', 19_731)).toEqual({ health: 200, code: 0 });
  });

  it('nx serve hello answers /health through its proxy and stops on Ctrl-C', async () => {
    expect(await serveThroughNx(ws, 'hello', 19_741)).toEqual({ health: 200, exited: true });
  });

  it('an existing directory is refused with a clear message', () => {
    const r = ws.nx(['g', '@tqserver/nx-go:worker', 'hello']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('workers/hello already exists');
  });

  it('dockerfile -> build-prod: every COPY source exists; docker-build is inferred and skips without a builder', () => {
    ws.nxOk(['g', '@tqserver/nx-go:dockerfile', 'hello']);
    const project = JSON.parse(ws.nxOk(['show', 'project', 'hello', '--json']).output);
    expect(project.targets['docker-build'].options).toEqual({ dockerfile: 'workers/hello/Dockerfile', image: 'hello' });
    ws.commit('hello');
    ws.nxOk(['build-prod', 'hello']);
    // The stamped --version check ran inside build-prod; the image is built with the same flags.
    expectCopySourcesExist(ws, 'workers/hello/Dockerfile');
    expectDockerBuildSkips(ws, 'hello');
  });

  it('library --workers wires the module into the worker, which then builds', () => {
    ws.nxOk(['g', '@tqserver/nx-go:library', 'shared', '--workers=hello']);
    ws.write('workers/hello/src/use.go', 'package main\n\nimport "libs/shared"\n\nvar _ = shared.Greeting\n');
    ws.nxOk(['build', 'hello']);
    const deps = JSON.parse(ws.nxOk(['graph', '--file=stdout']).output).graph.dependencies.hello as Array<{ target: string }>;
    expect(deps.map((d) => d.target)).toContain('shared');
  });
});

describe('generators: TQServer layout, from nx g init', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = Workspace.create({ examples: false });
    ws.write('nx.json', JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }, null, 2));
    ws.write('go.mod', 'module github.com/acme/tqserver\n\ngo 1.22\n');
    ws.write('config/server.yaml', 'workers:\n  directory: "workers"\nbuild:\n  cache:\n    dir: .cache/build\n');
    ws.commit('tqserver skeleton');
  });
  afterAll(() => ws.destroy());

  it('init -> worker (tqserver layout) -> build -> test -> serves -> dockerfile -> build-prod', async () => {
    ws.nxOk(['g', '@tqserver/nx-go:init']);
    expect(ws.read('.gitignore').split('\n')).toEqual(expect.arrayContaining(['bin/', 'dist/', '.jobs/', '.cache/build/']));
    expect(JSON.parse(ws.read('nx.json')).cacheDirectory).toBe('.cache/build');

    ws.nxOk(['g', '@tqserver/nx-go:worker', 'hello', '--layout=tqserver', '--dry-run']);
    expect(ws.exists('workers/hello')).toBe(false);
    ws.nxOk(['g', '@tqserver/nx-go:worker', 'hello', '--layout=tqserver']);
    expect(ws.exists('workers/hello/go.mod')).toBe(false);
    expect(ws.read('workers/hello/config/worker.yaml')).toContain('type: "go"');
    // A second worker follows the workspace without --layout.
    ws.nxOk(['g', '@tqserver/nx-go:worker', 'status']);
    expect(ws.exists('workers/status/config/worker.yaml')).toBe(true);

    ws.nxOk(['build', 'hello']);
    ws.nxOk(['test', 'hello']);
    expect(await serveOnce(ws, 'workers/hello/bin/hello', 19_732)).toEqual({ health: 200, code: 0 });
    expect(await serveThroughNx(ws, 'hello', 19_742)).toEqual({ health: 200, exited: true });

    cpSync(ws.path('workers/hello/src'), ws.path('workers/hello/views'), { recursive: true });
    ws.nxOk(['g', '@tqserver/nx-go:dockerfile', 'hello']);
    const dockerfile = ws.read('workers/hello/Dockerfile');
    expect(dockerfile).toContain('FROM golang:1.22 AS build');
    expect(dockerfile).toContain('COPY workers/hello/views/ /app/views/');
    ws.commit('hello');
    ws.nxOk(['build-prod', 'hello']);
    expectCopySourcesExist(ws, 'workers/hello/Dockerfile');
    expectDockerBuildSkips(ws, 'hello');
  });
});
