// Guards the hash against //go:embed: every file a binary embeds must be among the files its task hashes.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import fg from 'fast-glob';

export interface HashedModule {
  /** Workspace-relative module root. */
  root: string;
  /** Nx file inputs of the module, `{projectRoot}`-relative, `!` for exclusions (the go-sources named input). */
  inputs: string[];
  /** Workspace-relative roots of other projects nested inside this one, whose Go files are theirs to check. */
  nested?: string[];
}

/** The patterns of every //go:embed directive in a Go source text, unquoted. */
export function embedPatterns(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/^\/\/go:embed\s+(.+)$/gm)) {
    for (const p of m[1].matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g)) out.push(p[1] ?? p[2] ?? p[3]);
  }
  return out;
}

const GO_IGNORED = ['**/vendor/**', '**/testdata/**', '**/bin/**', '**/dist/**', '**/node_modules/**'];

function toGlob(root: string, input: string): string {
  return input.replace('{projectRoot}', root === '.' ? '' : root).replace(/^\//, '');
}

/**
 * Lists `embedder -> embedded` pairs whose embedded file the module's inputs leave out (a doc
 * excluded by default, or a file outside `build.sources`): such a change would not miss the cache.
 */
export function unhashedEmbeds(workspaceRoot: string, modules: HashedModule[]): string[] {
  const problems: string[] = [];
  for (const mod of modules) {
    const goFiles = fg.sync(`${mod.root === '.' ? '' : `${mod.root}/`}**/*.go`, { cwd: workspaceRoot, ignore: [...GO_IGNORED, '**/*_test.go', ...(mod.nested ?? []).map((r) => `${r}/**`)] });
    const embedders = goFiles
      .map((file) => ({ file, patterns: embedPatterns(readFileSync(posix.join(workspaceRoot, file), 'utf8')) }))
      .filter((e) => e.patterns.length > 0);
    if (embedders.length === 0) continue;

    const positive = mod.inputs.filter((i) => !i.startsWith('!')).map((i) => toGlob(mod.root, i));
    const negative = mod.inputs.filter((i) => i.startsWith('!')).map((i) => toGlob(mod.root, i.slice(1)));
    const hashed = new Set(fg.sync(positive, { cwd: workspaceRoot, ignore: negative, dot: true }));

    for (const { file, patterns } of embedders) {
      const dir = posix.dirname(file);
      for (const pattern of patterns) {
        const clean = pattern.replace(/^all:/, '');
        // A pattern naming a directory embeds the files below it.
        const opts = { cwd: workspaceRoot, dot: pattern.startsWith('all:'), suppressErrors: true };
        const named = fg.sync(posix.join(dir, clean), { ...opts, onlyFiles: false, markDirectories: true });
        const matches = named.flatMap((m) => (m.endsWith('/') ? fg.sync(`${m}**/*`, opts) : [m]));
        for (const embedded of matches) {
          if (!hashed.has(embedded)) {
            problems.push(`${file} embeds ${embedded}, which is not among the build's inputs; add it to build.sources so that editing it rebuilds the binary`);
          }
        }
      }
    }
  }
  return problems;
}
