// Watches a worker's build inputs with chokidar and reports each relevant change (create, write, delete, rename).
import { join, relative, sep } from 'node:path';
import { watch } from 'chokidar';
import { isWatchedInput, type WatchSet } from '../plan/serve';
import { isIgnoredPath } from './ignore';

export interface InputWatcher {
  close(): Promise<void>;
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/**
 * Resolves once the initial scan is done, so a change made after that is never missed. `onChange` gets
 * the workspace-relative path of each changed input; everything else (ignored, or not an input) is dropped.
 */
export async function watchInputs(workspaceRoot: string, set: WatchSet, onChange: (rel: string, event: string) => void): Promise<InputWatcher> {
  const rel = (abs: string) => toPosix(relative(workspaceRoot, abs)) || '.';
  const watcher = watch(
    set.paths.map((p) => join(workspaceRoot, p)),
    {
      ignoreInitial: true,
      // Pruned while scanning too: .git, node_modules and bin/ are never walked.
      ignored: (abs: string) => {
        const r = rel(abs);
        return r !== '.' && !r.startsWith('../') && isIgnoredPath(r, set.outputDirs);
      },
    },
  );
  watcher.on('all', (event, abs) => {
    // Directories come and go with their files, for each of which chokidar reports add or unlink.
    if (event === 'addDir' || event === 'unlinkDir') return;
    const r = rel(abs);
    if (isWatchedInput(set, r) && !isIgnoredPath(r, set.outputDirs)) onChange(r, event);
  });
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', () => resolve());
    watcher.once('error', reject);
  });
  return { close: () => watcher.close() };
}
