// nx g @tqserver/nx-go:init — registers the plugin and carries the server.yaml keys that live in nx.json over to it.
import { formatFiles, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { parseServerSettings, SERVER_CONFIG_FILE } from '../../config/settings';
import { PLUGIN_NAME } from '../../inference/create-nodes';

export interface InitGeneratorOptions {
  /** Glob(s) of worker directories, stored as the plugin's `workers` option. */
  workers?: string;
  /** Workspace-relative path of the global build settings. */
  serverConfig?: string;
  skipFormat?: boolean;
  /** Passed by `nx add`; this plugin adds no packages, so there are no versions to keep. */
  keepExistingVersions?: boolean;
}

/**
 * A plugin cannot change nx.json from inference, so the two server.yaml keys whose Nx meaning is
 * workspace-wide are applied here: `max_parallel` becomes `parallel` and `cache.dir` becomes
 * `cacheDirectory`. Re-running it after editing server.yaml brings nx.json up to date.
 */
/** Normalised for comparison: `/bin`, `bin/` and `bin` name the same thing in .gitignore. */
const ignoreKey = (line: string) => line.trim().replace(/^\//, '').replace(/\/+$/, '');

/**
 * Outputs that git does not ignore become inputs (Nx hashes what git sees), so the build outputs, the
 * serve jobs' directory and the cache directory are ignored. Only missing lines are appended.
 */
export function ignoreOutputs(tree: Tree, cacheDir: string): void {
  const text = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '';
  const present = new Set(text.split('\n').map(ignoreKey));
  const wanted = ['bin/', 'dist/', '.jobs/', `${ignoreKey(cacheDir)}/`];
  const missing = wanted.filter((w, i) => !present.has(ignoreKey(w)) && wanted.indexOf(w) === i);
  if (!missing.length) return;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${text}${sep}${text ? '\n' : ''}# @tqserver/nx-go: build outputs and caches\n${missing.join('\n')}\n`);
}

export default async function initGenerator(tree: Tree, options: InitGeneratorOptions): Promise<void> {
  const serverFile = options.serverConfig ?? SERVER_CONFIG_FILE;
  const server = parseServerSettings(serverFile, tree.exists(serverFile) ? tree.read(serverFile, 'utf-8') : null);
  const nxJson = readNxJson(tree) ?? {};

  const pluginOptions: Record<string, string> = {};
  if (options.workers) pluginOptions.workers = options.workers;
  if (options.serverConfig) pluginOptions.serverConfig = options.serverConfig;
  const plugins = (nxJson.plugins ?? []).filter((p) => (typeof p === 'string' ? p : p.plugin) !== PLUGIN_NAME);
  plugins.push(Object.keys(pluginOptions).length ? { plugin: PLUGIN_NAME, options: pluginOptions } : PLUGIN_NAME);
  nxJson.plugins = plugins;

  nxJson.parallel = server.maxParallel;
  if (server.cache.dir !== undefined) nxJson.cacheDirectory = server.cache.dir;
  updateNxJson(tree, nxJson);
  ignoreOutputs(tree, server.cache.dir ?? '.nx/cache');
  if (!options.skipFormat) await formatFiles(tree);
}
