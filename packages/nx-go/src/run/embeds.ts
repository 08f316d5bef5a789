// Guards the hash against //go:embed: every file a binary embeds must be among the files its task hashes.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ignoredFileSpecs, type DiskScope } from '../plan/disk-inputs';

export interface HashedModule {
  /** Workspace-relative module root. */
  root: string;
  /** Nx file inputs of the module, `{projectRoot}`-relative, `!` for exclusions (the go-sources named input). */
  inputs: string[];
  /** Workspace-relative roots of other projects nested inside this one, whose Go files are theirs to check. */
  nested?: string[];
}

/** The patterns of every //go:embed directive in a Go source text, unquoted. gofmt indents it inside var ( … ). */
export function embedPatterns(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/^[ \t]*\/\/go:embed[ \t]+(.+)$/gm)) {
    for (const p of m[1].matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g)) out.push(p[1] ?? p[2] ?? p[3]);
  }
  return out;
}

/** Directories, at any depth, whose Go files are never built from (or not this module's). */
const GO_IGNORED_DIRS = new Set(['vendor', 'testdata', 'bin', 'dist', 'node_modules']);

/**
 * The non-test .go files below `root` (workspace-relative, `/`-separated), as fast-glob's `**\/*.go` would
 * find them: no dot entries, symbolic links followed (each target once), GO_IGNORED_DIRS and the roots of
 * nested projects left out. A walk of its own: fast-glob compiled its patterns again on every call, 2.5 ms
 * of a batch's one thread per worker, while the batch's go builds wait on that thread to start.
 */
export function goFilesUnder(workspaceRoot: string, root: string, nested: readonly string[] = []): string[] {
  const skip = new Set(nested);
  const followed = new Set<string>();
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries;
    try {
      entries = readdirSync(rel ? join(workspaceRoot, rel) : workspaceRoot, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      let dir = entry.isDirectory();
      let file = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(join(workspaceRoot, path));
          dir = target.isDirectory() && !followed.has(`${target.dev}:${target.ino}`);
          if (dir) followed.add(`${target.dev}:${target.ino}`);
          file = target.isFile();
        } catch {
          continue;
        }
      }
      if (dir) {
        if (!GO_IGNORED_DIRS.has(entry.name) && !skip.has(path)) walk(path);
      } else if (file && entry.name.endsWith('.go') && !entry.name.endsWith('_test.go')) {
        out.push(path);
      }
    }
  };
  walk(root === '.' || root === '' ? '' : root);
  return out;
}

function toGlob(root: string, input: string): string {
  return input.replace('{projectRoot}', root === '.' ? '' : root).replace(/^\//, '');
}

/** What git can tell about files Nx does not see: which are ignored, and which ignored ones the plugin digests itself. */
export interface IgnoredFiles {
  /** Whether the workspace is a git work tree, so that git can say what it ignores. */
  workTree: boolean;
  ignored(files: string[]): Set<string>;
  digested: Set<string>;
}

function git(workspaceRoot: string, args: string[], input?: string): string[] | undefined {
  const r = spawnSync('git', args, { cwd: workspaceRoot, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // check-ignore exits 1 when nothing is ignored; anything else but 0 means git could not tell.
  if (r.status !== 0 && !(args[0] === 'check-ignore' && r.status === 1)) return undefined;
  return r.stdout.split('\n').filter(Boolean);
}

/** Whether `workspaceRoot` is inside a git work tree. A batch asks once and shares the answer (a run does not change it). */
export function isWorkTree(workspaceRoot: string): boolean {
  return git(workspaceRoot, ['rev-parse', '--is-inside-work-tree'])?.[0] === 'true';
}

/**
 * Asks git, from the workspace root; outside a git work tree nothing counts as ignored. Lazily: a build
 * without //go:embed asks git nothing beyond whether this is a work tree.
 */
export function gitIgnoredFiles(workspaceRoot: string, disk: DiskScope, workTree: () => boolean = () => isWorkTree(workspaceRoot)): IgnoredFiles {
  let digested: Set<string> | undefined;
  let inWorkTree: boolean | undefined;
  return {
    get workTree() {
      inWorkTree ??= workTree();
      return inWorkTree;
    },
    ignored: (files) => new Set(files.length ? git(workspaceRoot, ['check-ignore', '--stdin'], files.join('\n') + '\n') ?? [] : []),
    get digested() {
      digested ??= new Set(git(workspaceRoot, ['ls-files', '--others', '--ignored', '--exclude-standard', '--', ...ignoredFileSpecs(disk)]) ?? []);
      return digested;
    },
  };
}

/**
 * Nx applies .gitignore even outside a git work tree, where git cannot list what it hides: the hash
 * could then miss an ignored file that go build reads. Such a build is refused rather than cached.
 */
export function unhashableWorkspace(workspaceRoot: string, git: IgnoredFiles, label: string): string | undefined {
  if (!existsSync(join(workspaceRoot, '.gitignore')) || git.workTree) return undefined;
  return `${label}: ${workspaceRoot} is not a git work tree, yet Nx leaves out the files its .gitignore names, so the plugin cannot tell whether go build reads a file the hash does not cover; run "git init" there (or remove .gitignore)`;
}

/** Advice that works for an embedded file that the module's inputs leave out, by why they leave it out. */
function advice(mod: HashedModule, embedded: string, isWorker: boolean): string {
  const rel = mod.root === '.' ? embedded : embedded.slice(mod.root.length + 1);
  if (/^(bin|dist)\//.test(rel)) {
    return `move it out of ${rel.split('/')[0]}/: the plugin writes binaries there and never hashes that directory`;
  }
  if (!isWorker) return 'a library has no build.sources: keep embedded files beside the Go files, not in docs or testdata';
  return `add ${JSON.stringify(rel)} to build.sources so that editing it rebuilds the binary`;
}

/** The Go files of each module root that hold //go:embed: a batch scans a library once, however many workers import it. */
export type EmbedScan = Map<string, Array<{ file: string; patterns: string[] }>>;

function embeddersOf(workspaceRoot: string, mod: HashedModule, seen: EmbedScan): Array<{ file: string; patterns: string[] }> {
  const key = `${mod.root}\0${(mod.nested ?? []).join('\0')}`;
  let embedders = seen.get(key);
  if (embedders === undefined) {
    const goFiles = goFilesUnder(workspaceRoot, mod.root, mod.nested);
    embedders = goFiles
      .map((file) => ({ file, patterns: embedPatterns(readFileSync(posix.join(workspaceRoot, file), 'utf8')) }))
      .filter((e) => e.patterns.length > 0);
    seen.set(key, embedders);
  }
  return embedders;
}

/**
 * Lists `embedder -> embedded` problems: an embedded file that the module's inputs leave out (a doc
 * excluded by default, a file outside `build.sources`, config.yaml, testdata/, an output directory), or
 * one that git ignores and the plugin does not digest. Either way a change to it would not miss the
 * cache. The first module is the worker being built; the others are the libraries it imports.
 */
export function unhashedEmbeds(workspaceRoot: string, modules: HashedModule[], git?: IgnoredFiles, seen: EmbedScan = new Map()): string[] {
  // Loaded only for a module that embeds something: most builds never need it, and it costs ~20 ms to load.
  const fg = () => require('fast-glob') as typeof import('fast-glob');
  const problems: string[] = [];
  const found: Array<{ mod: HashedModule; file: string; embedded: string; isWorker: boolean }> = [];
  modules.forEach((mod, index) => {
    const embedders = embeddersOf(workspaceRoot, mod, seen);
    if (embedders.length === 0) return;
    const positive = mod.inputs.filter((i) => !i.startsWith('!')).map((i) => toGlob(mod.root, i));
    const negative = mod.inputs.filter((i) => i.startsWith('!')).map((i) => toGlob(mod.root, i.slice(1)));
    const hashed = new Set(fg().sync(positive, { cwd: workspaceRoot, ignore: negative, dot: true }));
    for (const { file, patterns } of embedders) {
      const dir = posix.dirname(file);
      for (const pattern of patterns) {
        const clean = pattern.replace(/^all:/, '');
        // A pattern naming a directory embeds the files below it.
        const opts = { cwd: workspaceRoot, dot: pattern.startsWith('all:'), suppressErrors: true };
        // Go's path.Match lets `*` match a leading dot, so a pattern names dotfiles too; only the files
        // below a named directory skip them (without all:).
        const named = fg().sync(posix.join(dir, clean), { ...opts, dot: true, onlyFiles: false, markDirectories: true });
        const matches = named.flatMap((m) => (m.endsWith('/') ? fg().sync(`${m}**/*`, opts) : [m]));
        for (const embedded of matches) {
          if (!hashed.has(embedded)) {
            problems.push(`${file} embeds ${embedded}, which is not among the build's inputs; ${advice(mod, embedded, index === 0)}`);
          } else {
            found.push({ mod, file, embedded, isWorker: index === 0 });
          }
        }
      }
    }
  });
  if (git && found.length) {
    const ignored = git.ignored([...new Set(found.map((f) => f.embedded))]);
    for (const { mod, file, embedded, isWorker } of found) {
      if (!ignored.has(embedded) || git.digested.has(embedded)) continue;
      const fix = isWorker
        ? `list it in build.sources (for example ${JSON.stringify(posix.dirname(mod.root === '.' ? embedded : embedded.slice(mod.root.length + 1)) + '/**')}) and the plugin hashes it from disk`
        : 'stop ignoring it in git, or embed it from the worker, where build.sources can name it';
      problems.push(`${file} embeds ${embedded}, which git ignores, so Nx cannot hash it; ${fix}`);
    }
  }
  return problems;
}
