// Which changed paths never trigger a reload: VCS and tool directories, build outputs, and editors' temp files.
import { posix } from 'node:path';

/** Directory names skipped wherever they are: version control, npm and Nx's own state. */
export const IGNORED_DIRS = new Set(['.git', '.hg', '.svn', '.bzr', '.jj', '_darcs', 'node_modules', '.nx']);

/**
 * Files editors write beside the one being edited: vim swap files and its 4913 write probe, backups
 * (`~`), emacs locks and autosaves, JetBrains' safe-write copies, GTK's atomic-save temp files, kate
 * swap files, and the plugin's own `.<name>.<pid>.tmp` build output.
 */
const EDITOR_TEMP = [
  /^\..*\.sw[a-p]$/,
  /\.sw[px]$/,
  /~$/,
  /^4913$/,
  /^\.#/,
  /^#.*#$/,
  /___jb_(tmp|old|bak)___$/,
  /^\.goutputstream-/,
  /\.kate-swp$/,
  /\.tmp$/,
  /^\.DS_Store$/,
];

export function isEditorTemp(basename: string): boolean {
  return EDITOR_TEMP.some((re) => re.test(basename));
}

/**
 * Whether a workspace-relative path (posix) can never be a reason to reload: it lies in an ignored
 * directory or in one of `outputDirs` (workspace-relative: where builds write), or is an editor's temp file.
 */
export function isIgnoredPath(rel: string, outputDirs: readonly string[]): boolean {
  const path = posix.normalize(rel);
  const segments = path.split('/');
  if (segments.some((s) => IGNORED_DIRS.has(s))) return true;
  if (outputDirs.some((dir) => path === dir || path.startsWith(`${dir}/`))) return true;
  return isEditorTemp(segments[segments.length - 1]);
}
