// TQServer's own config files: workers/<name>/config/worker.yaml (type, enabled, build:) and the `workers:` section of server.yaml.
import { join, posix } from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { ConfigError, parseWorkerSettings, WORKER_CONFIG_FILE, type ServerSettings, type WorkerSettings } from './settings';
import { readYamlText, type YamlText } from './yaml-text';
import { readTextIfExists } from './read-text';

/** Where TQServer keeps a worker's settings, relative to the worker; its presence makes a directory a worker. */
export const WORKER_YAML_FILE = 'config/worker.yaml';

export type WorkerType = 'go' | 'bun' | 'php';
/** TQServer's `enabled`: only "false" disables; "development" builds for development only. */
export type Enabled = 'always' | 'development' | 'never';

export interface WorkerYaml {
  type: WorkerType;
  enabled: Enabled;
  /** Whether the file has a top-level `build:` key. */
  hasBuild: boolean;
}

const WORKER_TYPES: readonly string[] = ['go', 'bun', 'php'];

interface YamlRoot {
  map: Node | null;
  where: (node: Node | null | undefined) => string;
}

/** The parsed text's top-level mapping, or a ConfigError with file:line:col. */
function rootOf(file: string, { contents, errors, lineCounter }: YamlText): YamlRoot {
  const at = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return `${file}:${line}:${col}`;
  };
  if (errors.length) {
    throw new ConfigError(errors.map((e) => `${at(e.pos[0])}: YAML syntax error: ${e.message.split('\n')[0]}`));
  }
  const root = contents;
  if (root === null || (isScalar(root) && root.value === null)) return { map: null, where: (n) => at(n?.range?.[0]) };
  if (!isMap(root)) throw new ConfigError([`${at(root.range?.[0])}: expected a YAML mapping at the top level`]);
  return { map: root, where: (n) => at(n?.range?.[0] ?? root.range?.[0]) };
}

function topLevel(root: YamlRoot, key: string): Node | null | undefined {
  if (root.map === null || !isMap(root.map)) return undefined;
  const pair = root.map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair === undefined ? undefined : ((pair.value as Node | null) ?? null);
}

/** Whether `text` has a top-level `build:` key; a file that does not parse is reported by the settings reader. */
export function hasBuildSection(file: string, text: string): boolean {
  try {
    return readYamlText(text, (parsed) => topLevel(rootOf(file, parsed), 'build') !== undefined);
  } catch {
    return false;
  }
}

/**
 * Reads the two keys of worker.yaml that change what gets built. TQServer ignores keys it does not
 * know and so does this reader; `build:` is validated by the settings reader, strictly.
 */
export function parseWorkerYaml(file: string, text: string): WorkerYaml {
  return readYamlText(text, (parsed) => readWorkerYaml(rootOf(file, parsed)));
}

function readWorkerYaml(root: YamlRoot): WorkerYaml {
  const problems: string[] = [];

  let type: WorkerType = 'go';
  const typeNode = topLevel(root, 'type');
  if (typeNode !== undefined && typeNode !== null) {
    const value = isScalar(typeNode) ? typeNode.value : undefined;
    if (value === null || value === '') type = 'go';
    else if (typeof value === 'string' && WORKER_TYPES.includes(value)) type = value as WorkerType;
    else problems.push(`${root.where(typeNode)}: type: ${describe(typeNode)} is not valid; expected go, bun or php (empty means go)`);
  }

  let enabled: Enabled = 'always';
  const enabledNode = topLevel(root, 'enabled');
  if (enabledNode !== undefined && enabledNode !== null) {
    // TQServer reads `enabled` into a string, so an unquoted false disables as "false" does.
    const value = isScalar(enabledNode) ? enabledNode.value : undefined;
    if (value === null) enabled = 'always';
    else if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
      const s = String(value);
      enabled = s === 'false' ? 'never' : s === 'development' ? 'development' : 'always';
    } else {
      problems.push(`${root.where(enabledNode)}: enabled: ${describe(enabledNode)} is not valid; expected "true", "false" or "development"`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return { type, enabled, hasBuild: topLevel(root, 'build') !== undefined };
}

function describe(node: Node): string {
  if (isScalar(node)) return JSON.stringify(node.value);
  return isMap(node) ? 'a mapping' : 'a list';
}

/** The text of each file that may hold a worker's `build:` section; null for a file that does not exist. */
export interface BuildConfigTexts {
  configYaml: { file: string; text: string | null };
  workerYaml: { file: string; text: string | null };
}

export function buildConfigFiles(root: string): { configYaml: string; workerYaml: string } {
  return { configYaml: posix.join(root, WORKER_CONFIG_FILE), workerYaml: posix.join(root, WORKER_YAML_FILE) };
}

export function readBuildConfigTexts(workspaceRoot: string, root: string): BuildConfigTexts {
  const files = buildConfigFiles(root);
  const read = (file: string) => readTextIfExists(join(workspaceRoot, file));
  return {
    configYaml: { file: files.configYaml, text: read(files.configYaml) },
    workerYaml: { file: files.workerYaml, text: read(files.workerYaml) },
  };
}

/**
 * A worker's build settings, from the seed's config.yaml or from TQServer's config/worker.yaml: one
 * place, so that two `build:` sections can never silently disagree.
 */
export function parseBuildSettings(texts: BuildConfigTexts, server: ServerSettings): WorkerSettings {
  const { configYaml, workerYaml } = texts;
  const inConfig = configYaml.text !== null && hasBuildSection(configYaml.file, configYaml.text);
  const inWorker = workerYaml.text !== null && hasBuildSection(workerYaml.file, workerYaml.text);
  if (inConfig && inWorker) {
    throw new ConfigError([
      `${configYaml.file} and ${workerYaml.file} both have a build: section; keep the build settings in one of them`,
    ]);
  }
  const source = inWorker ? workerYaml : configYaml;
  return parseWorkerSettings(source.file, source.text, server);
}

export function loadBuildSettings(workspaceRoot: string, root: string, server: ServerSettings): WorkerSettings {
  return parseBuildSettings(readBuildConfigTexts(workspaceRoot, root), server);
}

/**
 * TQServer's `workers.directory` in server.yaml, or undefined. Read leniently: the rest of the
 * `workers:` section is TQServer's own, and a broken file is reported by the build settings reader.
 */
export function workersDirectory(file: string, text: string | null): string | undefined {
  if (text === null) return undefined;
  try {
    const value = readYamlText(text, (parsed) => {
      const section = topLevel(rootOf(file, parsed), 'workers');
      return section && isMap(section) ? section.get('directory') : undefined;
    });
    return typeof value === 'string' && value.trim() !== '' ? posix.normalize(value.trim()).replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}
