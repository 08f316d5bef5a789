// A real Nx workspace in a temp dir, with the packed plugin installed and the repo's example workers copied in.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NX_VERSIONS, REPO_ROOT, templateDir } from './paths';

export type CacheState = 'local cache' | 'remote cache' | 'existing outputs match the cache, left as is' | 'miss';

export interface RunResult {
  code: number | null;
  output: string;
  /** Each task that ran, keyed "project:target", with where its result came from. */
  tasks: Map<string, CacheState>;
}

/** Environment every command in a test workspace runs with: offline Go, no daemon, no cloud, plain output. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('NX_') && !k.startsWith('GO') && k !== 'CGO_ENABLED' && k !== 'JEST_WORKER_ID') env[k] = v;
  }
  Object.assign(env, {
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
    GOFLAGS: '',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_SKIP_LOG_GROUPING: 'true',
    // CI=true makes Nx force colours; output is parsed, so keep it plain.
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function parseTasks(raw: string): Map<string, CacheState> {
  const output = raw.replace(/\x1b\[[0-9;]*m/g, '');
  const tasks = new Map<string, CacheState>();
  const states = /\s+\[(local cache|remote cache|existing outputs match the cache, left as is)\]\s*$/;
  for (const m of output.matchAll(/^> nx run (\S+)(.*)$/gm)) {
    tasks.set(m[1], (states.exec(m[2])?.[1] as CacheState | undefined) ?? 'miss');
  }
  return tasks;
}

/** Whether Nx took the task's result from a cache rather than running it. */
export function fromCache(state: CacheState | undefined): boolean {
  return state !== undefined && state !== 'miss';
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Absolute paths of the example files and directories that this repository's git ignores. */
function repoIgnored(): Set<string> {
  const r = spawnSync('git', ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '--', 'workers', 'libs', 'config'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return new Set(r.status === 0 ? r.stdout.split('\n').filter(Boolean).map((p) => join(REPO_ROOT, p.replace(/\/$/, ''))) : []);
}

export class Workspace {
  private constructor(readonly root: string, readonly env: NodeJS.ProcessEnv) {}

  /** A fresh workspace at a new temp path; `examples` copies workers/, libs/ and config/ from this repo. */
  static create(opts: { nxVersion?: string; examples?: boolean; env?: Record<string, string | undefined>; parent?: string } = {}): Workspace {
    const nx = opts.nxVersion ?? NX_VERSIONS[0];
    const template = templateDir(nx);
    if (!existsSync(join(template, 'node_modules'))) throw new Error(`no template workspace for nx ${nx}; the global setup makes it`);
    const root = mkdtempSync(join(opts.parent ?? tmpdir(), 'nx-go-e2e-'));
    // Hard links make node_modules cheap; package.json is copied so a test may edit it.
    const cp = spawnSync('cp', ['-al', join(template, 'node_modules'), join(root, 'node_modules')]);
    if (cp.status !== 0) throw new Error(`cp -al failed: ${cp.stderr}`);
    cpSync(join(template, 'package.json'), join(root, 'package.json'));
    cpSync(join(template, 'package-lock.json'), join(root, 'package-lock.json'));
    // Nx 23 shares one local cache among checkouts of the same repository; each test workspace gets its own.
    const ws = new Workspace(root, baseEnv({ NX_CACHE_DIRECTORY: join(root, '.nx', 'cache'), ...opts.env }));
    ws.write('nx.json', JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', parallel: 4, plugins: ['@tqserver/nx-go'] }, null, 2));
    ws.write('.gitignore', 'node_modules\n.nx\nbin/\ndist/\n');
    if (opts.examples !== false) {
      // What a fresh clone has: outputs and whatever the repository ignores (build jobs' .jobs/ and generated zz_*.go) stay behind.
      const ignored = repoIgnored();
      for (const dir of ['workers', 'libs', 'config']) {
        cpSync(join(REPO_ROOT, dir), join(root, dir), {
          recursive: true,
          filter: (src) => !/[\\/](bin|dist)([\\/]|$)/.test(src.slice(REPO_ROOT.length)) && !ignored.has(src),
        });
      }
    }
    ws.git('init', '-q', '-b', 'main');
    ws.commit('initial');
    return ws;
  }

  /** A fresh workspace holding a copy of examples/tqserver (TQServer's real layout), committed. */
  static tqserver(opts: { nxVersion?: string } = {}): Workspace {
    const ws = Workspace.create({ nxVersion: opts.nxVersion, examples: false });
    const example = join(REPO_ROOT, 'examples', 'tqserver');
    cpSync(example, ws.root, { recursive: true, filter: (src) => !/[\\/](bin|dist|node_modules)([\\/]|$)/.test(src.slice(example.length)) });
    ws.commit('tqserver layout');
    return ws;
  }

  path(rel: string): string {
    return join(this.root, rel);
  }

  write(rel: string, content: string): void {
    mkdirSync(dirname(this.path(rel)), { recursive: true });
    writeFileSync(this.path(rel), content);
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), 'utf8');
  }

  exists(rel: string): boolean {
    return existsSync(this.path(rel));
  }

  remove(rel: string): void {
    rmSync(this.path(rel), { recursive: true, force: true });
  }

  run(file: string, args: string[], extraEnv: Record<string, string | undefined> = {}, cwd = this.root): SpawnSyncReturns<string> {
    const env = { ...this.env };
    for (const [k, v] of Object.entries(extraEnv)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return spawnSync(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  }

  git(...args: string[]): string {
    const r = this.run('git', args, {
      GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com',
      GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z',
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim();
  }

  commit(message: string): void {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
  }

  /** Runs nx through the workspace's own install, with static output so that cache states can be read. */
  nx(args: string[], extraEnv: Record<string, string | undefined> = {}): RunResult {
    const r = this.run(process.execPath, [join(this.root, 'node_modules', '.bin', 'nx'), ...args, ...(args[0] === 'show' || args[0] === 'graph' ? [] : ['--output-style=static'])], extraEnv);
    const output = `${r.stdout}${r.stderr}`;
    return { code: r.status, output, tasks: parseTasks(output) };
  }

  /** nx that must succeed; the error carries nx's whole output. */
  nxOk(args: string[], extraEnv: Record<string, string | undefined> = {}): RunResult {
    const r = this.nx(args, extraEnv);
    if (r.code !== 0) throw new Error(`nx ${args.join(' ')} exited ${r.code}:\n${r.output}`);
    return r;
  }

  destroy(): void {
    if (!process.env.NX_GO_E2E_KEEP) rmSync(this.root, { recursive: true, force: true });
  }
}
