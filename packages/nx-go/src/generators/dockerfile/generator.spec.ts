// The Dockerfile is build-prod's plan rendered: same argv and env, the module's Go version, distroless and non-root.
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parseServerSettings, parseWorkerSettings } from '../../config/settings';
import { makeWorker, planBuild } from '../../plan/build';
import { contextCopySources, shellWord } from '../../plan/dockerfile';
import workerGenerator from '../worker/generator';
import dockerfileGenerator from './generator';

const quiet = { skipFormat: true };

async function moduleWorkspace(config?: string): Promise<Tree> {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('workers/auth/go.mod', 'module example.com/auth\n\ngo 1.22\n');
  await workerGenerator(tree, { name: 'hello', layout: 'module', ...quiet });
  if (config) tree.write('workers/hello/config.yaml', config);
  return tree;
}

describe('dockerfile generator', () => {
  it('renders the build-prod argv and env of the plan, stamps as build arguments', async () => {
    const tree = await moduleWorkspace();
    await dockerfileGenerator(tree, { worker: 'hello', ...quiet });
    const text = tree.read('workers/hello/Dockerfile', 'utf-8')!;
    const job = planBuild(makeWorker('hello', 'workers/hello', parseWorkerSettings(null, null, parseServerSettings(null, null)), parseServerSettings(null, null), { hasSrc: true, vendored: false }), { target: 'build-prod' });
    const rendered = [...Object.entries(job.env).map(([k, v]) => `${k}=${v}`), ...job.exec!.map((a) => shellWord(a, '/out/hello'))].join(' ');
    expect(text).toContain(`mkdir -p /out && ${rendered}`);
    expect(rendered).toContain('"-ldflags=-s -w -X main.Version=${VERSION} -X main.BuildTime=${BUILD_TIME} -X main.GitCommit=${GIT_COMMIT}"');
    expect(rendered).toContain('-trimpath');
    expect(text).toContain('FROM golang:1.22 AS build');
    expect(text).toContain('--mount=type=cache,target=/go/pkg/mod');
    expect(text).toContain('--mount=type=cache,target=/root/.cache/go-build');
    expect(text).toContain('WORKDIR /src/workers/hello');
    expect(text).toContain('FROM gcr.io/distroless/static-debian12:nonroot');
    expect(text).toContain('USER 65532:65532');
    expect(text).toContain('EXPOSE 9000');
    expect(text).toContain('HEALTHCHECK --interval=10s --timeout=3s --start-period=5s CMD ["/app/hello", "--healthcheck"]');
    expect(text).toContain('COPY --from=build /out/hello /app/hello');
    expect(tree.read('.dockerignore', 'utf-8')).toContain('**/dist');
  });

  it('follows the worker\'s build settings: its flags, env and cgo choice', async () => {
    const tree = await moduleWorkspace('build:\n  flags: ["-tags=netgo"]\n  env: { CGO_ENABLED: "1", GOAMD64: v3 }\n');
    await dockerfileGenerator(tree, { worker: 'hello', ...quiet });
    const text = tree.read('workers/hello/Dockerfile', 'utf-8')!;
    expect(text).toContain('CGO_ENABLED=1 GOAMD64=v3 go build');
    expect(text).toMatch(/-tags=production,netgo|-tags=netgo/);
    expect(text).toContain('FROM gcr.io/distroless/base-debian12:nonroot');
  });

  it('TQServer layout: the root module\'s toolchain, views/ and public/ beside the binary, no EXPOSE for code that reads no port', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('go.mod', 'module github.com/acme/tqserver\n\ngo 1.24\n\ntoolchain go1.24.3\n');
    tree.write('workers/web/config/worker.yaml', 'path: /web\ntype: go\n');
    tree.write('workers/web/src/main.go', 'package main\n\nvar Version = "dev"\n\nfunc main() {}\n');
    tree.write('workers/web/views/index.html', '<p>hi</p>');
    tree.write('workers/web/public/app.css', 'p{}');
    await dockerfileGenerator(tree, { worker: 'web', ...quiet });
    const text = tree.read('workers/web/Dockerfile', 'utf-8')!;
    expect(text).toContain('FROM golang:1.24.3 AS build');
    expect(contextCopySources(text)).toEqual(['.', 'workers/web/views/', 'workers/web/public/']);
    expect(text).toContain('COPY workers/web/views/ /app/views/');
    expect(text).not.toContain('EXPOSE');
    expect(text).not.toContain('HEALTHCHECK');
  });

  it.each([
    ['a worker that does not exist', 'nope', 'workers/nope is not a Go worker'],
    ['an existing Dockerfile', 'hello', 'workers/hello/Dockerfile already exists; pass --overwrite'],
  ])('refuses %s and writes nothing', async (_, worker, message) => {
    const tree = await moduleWorkspace();
    tree.write('workers/hello/Dockerfile', 'FROM scratch\n');
    const before = tree.listChanges().map((c) => c.path).sort();
    await expect(dockerfileGenerator(tree, { worker, ...quiet })).rejects.toThrow(message);
    expect(tree.listChanges().map((c) => c.path).sort()).toEqual(before);
    expect(tree.read('workers/hello/Dockerfile', 'utf-8')).toBe('FROM scratch\n');
  });

  it('keeps an existing .dockerignore and adds only what is missing', async () => {
    const tree = await moduleWorkspace();
    tree.write('.dockerignore', 'secrets\n.git\n');
    await dockerfileGenerator(tree, { worker: 'hello', ...quiet });
    const lines = tree.read('.dockerignore', 'utf-8')!.split('\n');
    expect(lines.slice(0, 2)).toEqual(['secrets', '.git']);
    expect(lines.filter((l) => l === '.git')).toHaveLength(1);
    expect(lines).toContain('node_modules');
  });
});

describe('shellWord', () => {
  it.each([
    ['-trimpath', '-trimpath'],
    ['{{.Output}}', '/out/x'],
    ['all=-N -l', '"all=-N -l"'],
    ['-X main.V={{.Version}}', '"-X main.V=${VERSION}"'],
    ['a"$b`c\\', '"a\\"\\$b\\`c\\\\"'],
  ])('%s -> %s', (arg, word) => {
    expect(shellWord(arg, '/out/x')).toBe(word);
  });
});
