// nx g @tqserver/nx-go:init — registers the plugin and carries the server.yaml keys that live in nx.json over to it.
import { formatFiles, logger, readNxJson, updateNxJson, type NxJsonConfiguration, type Tree } from '@nx/devkit';
import { minimatch } from 'minimatch';
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

/** The names of the targets the plugin infers; `job-*` stands for every build job. */
const GO_TARGETS = ['build', 'build-prod', 'cross-compile', 'docker-build', 'test', 'vet', 'tidy', 'vendor', 'serve', 'job-*'];

/**
 * targetDefaults entries that Nx applies to the plugin's targets and that replace lists the plugin infers
 * (`inputs`, `outputs`, `dependsOn`) without "...": the Go targets they reach refuse to run
 * (executors/overrides.ts). Such an entry is usually a JavaScript workspace's `build` or `test`; init cannot
 * tell whether it is meant for Go, so it warns and changes nothing. One line per entry.
 */
export function conflictingTargetDefaults(nxJson: NxJsonConfiguration): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(nxJson.targetDefaults ?? {})) {
    const reaches = key.startsWith('@tqserver/nx-go:') || GO_TARGETS.some((t) => t === key || minimatch(t, key) || minimatch(key, t));
    if (!reaches || !value || typeof value !== 'object') continue;
    // Nx 23+ also takes a list of entries, each with an optional filter: one naming another plugin or executor skips Go's targets.
    const entries = (Array.isArray(value) ? value : [value]) as Array<Record<string, unknown> & { filter?: { plugin?: string; executor?: string } }>;
    const fields: Record<string, unknown> = {};
    for (const entry of entries) {
      const { plugin, executor } = entry.filter ?? {};
      if ((plugin && plugin !== PLUGIN_NAME) || (executor && !executor.startsWith(`${PLUGIN_NAME}:`))) continue;
      Object.assign(fields, entry);
    }
    const lists = ['inputs', 'outputs', 'dependsOn'].filter((k) => Array.isArray(fields[k]) && !(fields[k] as unknown[]).includes('...'));
    if (!lists.length) continue;
    // A replaced dependsOn matters only to targets that wait for build jobs.
    const who = lists.some((k) => k !== 'dependsOn') ? 'those targets' : 'those of them that wait for build jobs';
    lines.push(
      `nx.json targetDefaults[${JSON.stringify(key)}] sets ${lists.join(', ')}: Nx applies it to the Go targets it names too, and it ` +
        `replaces the plugin's ${lists.join(', ')}, so ${who} will refuse to run rather than cache a stale result. Start each ` +
        `list with "..." (Nx 23 and later), or key the entry by the executor it is meant for (such as "@nx/js:tsc"). ` +
        `README: "In a workspace whose nx.json has targetDefaults".`,
    );
  }
  return lines;
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
  for (const line of conflictingTargetDefaults(nxJson)) logger.warn(line);
  ignoreOutputs(tree, server.cache.dir ?? '.nx/cache');
  if (!options.skipFormat) await formatFiles(tree);
}
