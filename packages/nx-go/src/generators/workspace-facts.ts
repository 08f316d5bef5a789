// What generators read from the workspace (through the Tree): its layout, Go version, module path, and the name rules.
import { readNxJson, type Tree } from '@nx/devkit';
import { spawnSync } from 'node:child_process';
import { posix } from 'node:path';
import { SERVER_CONFIG_FILE } from '../config/settings';
import { WORKER_YAML_FILE, workersDirectory } from '../config/worker-yaml';
import { PLUGIN_NAME, type GoPluginOptions } from '../inference/create-nodes';

export type Layout = 'module' | 'tqserver';

/** The plugin's options in nx.json (`{ "plugin": "@tqserver/nx-go", "options": {…} }`), or none. */
export function pluginOptions(tree: Tree): GoPluginOptions {
  const entry = (readNxJson(tree)?.plugins ?? []).find((p) => typeof p !== 'string' && p.plugin === PLUGIN_NAME);
  return (entry && typeof entry !== 'string' ? (entry.options as GoPluginOptions | undefined) : undefined) ?? {};
}

export function serverConfigFile(tree: Tree): string {
  return pluginOptions(tree).serverConfig ?? SERVER_CONFIG_FILE;
}

/**
 * The names of the worker in `root`: `binary`, as inference names it (workerPrefix, then the directory's
 * name), which names its binaries; `project`, what Nx calls it, which a project.json may rename.
 */
export function workerNames(tree: Tree, root: string): { binary: string; project: string } {
  const binary = `${pluginOptions(tree).workerPrefix ?? ''}${posix.basename(root)}`;
  let project = binary;
  const projectJson = `${root}/project.json`;
  if (tree.exists(projectJson)) {
    try {
      const name = (JSON.parse(tree.read(projectJson, 'utf-8') ?? '{}') as { name?: unknown }).name;
      if (typeof name === 'string' && name !== '') project = name;
    } catch {
      // Nx reports a broken project.json itself; the generator keeps the inferred name.
    }
  }
  return { binary, project };
}

/** TQServer's `workers.directory`, else `workers`. */
export function workersDir(tree: Tree): string {
  const file = serverConfigFile(tree);
  return workersDirectory(file, tree.exists(file) ? tree.read(file, 'utf-8') : null) ?? 'workers';
}

/** The module path in go.mod text, or undefined. */
export function modulePathOf(goMod: string): string | undefined {
  return /^\s*module\s+"?([^\s"]+)"?/m.exec(goMod)?.[1];
}

export function rootModulePath(tree: Tree): string | undefined {
  return tree.exists('go.mod') ? modulePathOf(tree.read('go.mod', 'utf-8')!) : undefined;
}

/**
 * `tqserver` when a root go.mod exists and the existing workers use config/worker.yaml (TQServer's
 * own layout), else `module` (the seed's: a go.mod and config.yaml per worker).
 */
export function detectLayout(tree: Tree): Layout {
  if (!tree.exists('go.mod')) return 'module';
  const dir = workersDir(tree);
  const workers = tree.exists(dir) ? tree.children(dir).filter((c) => !tree.isFile(posix.join(dir, c))) : [];
  return workers.some((w) => tree.exists(posix.join(dir, w, WORKER_YAML_FILE))) ? 'tqserver' : 'module';
}

/** The `go` directive of go.mod text, e.g. "1.22" or "1.24.1". */
export function goDirectiveOf(goMod: string): string | undefined {
  return /^\s*go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(goMod)?.[1];
}

/** The Go toolchain a go.mod asks for: its `toolchain` line, else its `go` directive. */
export function goToolchainOf(goMod: string): string | undefined {
  return /^\s*toolchain\s+go(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(goMod)?.[1] ?? goDirectiveOf(goMod);
}

/** Any go.mod the workspace already has: the root's first, then the workers' and libraries'. */
function someGoMod(tree: Tree): string | undefined {
  if (tree.exists('go.mod')) return tree.read('go.mod', 'utf-8')!;
  for (const dir of [workersDir(tree), 'libs']) {
    if (!tree.exists(dir)) continue;
    for (const c of tree.children(dir)) {
      const f = posix.join(dir, c, 'go.mod');
      if (tree.exists(f)) return tree.read(f, 'utf-8')!;
    }
  }
  return undefined;
}

/**
 * The `go` line for a new module: the workspace's own, so every module agrees; in a workspace without
 * Go yet, the installed Go's major.minor (a newer line would make GOTOOLCHAIN=local refuse to build).
 */
export function goVersionForNewModule(tree: Tree): string {
  const existing = someGoMod(tree);
  const fromWorkspace = existing && goDirectiveOf(existing);
  if (fromWorkspace) return fromWorkspace;
  const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', timeout: 10_000 });
  const m = /^go(\d+\.\d+)/.exec(r.stdout ?? '');
  return m ? m[1] : '1.22';
}

/** Directory names inference never makes a project of (create-nodes.ts, isSkippedRoot). */
const SKIPPED_NAMES = new Set(['vendor', 'testdata', 'node_modules']);

/** A worker's name is its directory and its binary: letters, digits, `-` and `_`, starting with a letter. */
export function checkWorkerName(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name ?? '')) {
    throw new Error(
      `"${name}" is not a valid worker name: use letters, digits, "-" and "_", starting with a letter (it becomes the directory, the project and the binary name)`,
    );
  }
  if (SKIPPED_NAMES.has(name.toLowerCase())) {
    throw new Error(`"${name}" is not a valid worker name: the plugin treats ${name}/ as an output or Go directory, not a project; choose another name`);
  }
}

const GO_KEYWORDS = new Set([
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto',
  'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var',
]);

/** A library's name is its directory and its Go package name, so it must be both. */
export function checkLibraryName(name: string): void {
  if (!/^[a-z][a-z0-9_]*$/.test(name ?? '') || GO_KEYWORDS.has(name) || name === 'main') {
    throw new Error(
      `"${name}" is not a valid library name: it becomes the Go package name, so use lower-case letters, digits and "_", starting with a letter, and not a Go keyword or "main"`,
    );
  }
  if (SKIPPED_NAMES.has(name)) throw new Error(`"${name}" is not a valid library name: the plugin does not treat ${name}/ as a project; choose another name`);
}

/** `--directory` must stay inside the workspace. */
export function checkDirectory(directory: string): string {
  const d = posix.normalize(directory.replaceAll('\\', '/')).replace(/\/+$/, '');
  if (d === '' || d === '.' || posix.isAbsolute(d) || d === '..' || d.startsWith('../')) {
    throw new Error(`--directory "${directory}" is not valid: expected a directory relative to the workspace root, inside it (such as workers)`);
  }
  return d;
}

export function checkFree(tree: Tree, dir: string): void {
  if (tree.exists(dir)) throw new Error(`${dir} already exists; choose another name or remove it first (nothing was written)`);
}

/** `a, b ,c` -> ['a','b','c']. */
export function splitList(value: string | string[] | undefined): string[] {
  const parts = Array.isArray(value) ? value : (value ?? '').split(',');
  return parts.map((s) => s.trim()).filter(Boolean);
}

/** The `../..` from `dir` back to the workspace root. */
export function upToRoot(dir: string): string {
  return dir.split('/').map(() => '..').join('/');
}
