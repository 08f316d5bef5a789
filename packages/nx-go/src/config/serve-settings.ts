// Reads what `serve` needs from TQServer's own config: config/server.yaml `workers:` and `file_watcher:`, and worker.yaml `path`.
import { join } from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { ConfigError } from './yaml-schema';
import { readTextIfExists } from './read-text';
import { parseYamlText } from './yaml-text';
import { WORKER_YAML_FILE } from './worker-yaml';

export interface ServeSettings {
  /** workers.health_check_wait_timeout_ms: how long a new process has to become ready. */
  healthTimeoutMs: number;
  /** workers.shutdown_grace_period_ms: SIGTERM, then SIGKILL after this long. */
  shutdownGraceMs: number;
  /** workers.port_range_start: the first worker's default port. */
  portRangeStart: number;
  /** workers.port_range_end: no default port is given past it. */
  portRangeEnd: number;
  /** file_watcher.debounce_ms: quiet time after the last change before a rebuild. */
  debounceMs: number;
  /** server.port: where TQServer's server listens (serve waits for it there). */
  serverPort: number;
}

/** TQServer's own defaults (its config package), so a workspace without server.yaml serves as TQServer would. */
export const SERVE_DEFAULTS: ServeSettings = {
  healthTimeoutMs: 5000,
  shutdownGraceMs: 5000,
  portRangeStart: 9000,
  portRangeEnd: 9999,
  debounceMs: 50,
  serverPort: 8080,
};

/** The keys read here; every other key of these sections belongs to TQServer and is left alone, as TQServer does. */
const KEYS: Array<{ section: string; key: string; field: keyof ServeSettings; min: number }> = [
  { section: 'workers', key: 'health_check_wait_timeout_ms', field: 'healthTimeoutMs', min: 1 },
  { section: 'workers', key: 'shutdown_grace_period_ms', field: 'shutdownGraceMs', min: 0 },
  { section: 'workers', key: 'port_range_start', field: 'portRangeStart', min: 1 },
  { section: 'workers', key: 'port_range_end', field: 'portRangeEnd', min: 1 },
  { section: 'file_watcher', key: 'debounce_ms', field: 'debounceMs', min: 0 },
  { section: 'server', key: 'port', field: 'serverPort', min: 1 },
];

/** The document's top-level node, and file:line:col for a node; a syntax error is a ConfigError. */
function locate(file: string, text: string): { root: Node | null; where: (node: Node | null | undefined) => string } {
  const { contents, errors, lineCounter } = parseYamlText(text);
  const where = (node: Node | null | undefined) => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return `${file}:${line}:${col}`;
  };
  if (errors.length) throw new ConfigError(errors.map((e) => `${file}: YAML syntax error: ${e.message.split('\n')[0]}`));
  return { root: contents, where };
}

export function parseServeSettings(file: string, text: string | null): ServeSettings {
  const settings = { ...SERVE_DEFAULTS };
  if (text === null) return settings;
  const { root, where } = locate(file, text);
  const problems: string[] = [];
  if (!root || !isMap(root)) return settings;
  for (const { section, key, field, min } of KEYS) {
    const sectionNode = root.get(section, true) as Node | undefined;
    if (!sectionNode || !isMap(sectionNode)) continue;
    const node = sectionNode.get(key, true) as Node | undefined;
    if (node === undefined) continue;
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min) settings[field] = value;
    else problems.push(`${where(node)}: ${section}.${key}: ${JSON.stringify(isScalar(node) ? node.value : 'a mapping or list')} is not valid; expected a whole number of at least ${min}`);
  }
  if (settings.portRangeEnd < settings.portRangeStart) {
    problems.push(`${file}: workers.port_range_end (${settings.portRangeEnd}) is below workers.port_range_start (${settings.portRangeStart}); expected a range`);
  }
  if (problems.length) throw new ConfigError(problems);
  return settings;
}

export function loadServeSettings(workspaceRoot: string, file: string): ServeSettings {
  return parseServeSettings(file, readTextIfExists(join(workspaceRoot, file)));
}

/** worker.yaml `path` (the worker's URL prefix, WORKER_PATH), or `/` when the worker has no worker.yaml or no path. */
export function parseWorkerPath(file: string, text: string | null): string {
  if (text === null) return '/';
  const { root, where } = locate(file, text);
  if (!root || !isMap(root)) return '/';
  const node = root.get('path', true) as Node | undefined;
  if (node === undefined) return '/';
  if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return node.value;
  throw new ConfigError([`${where(node)}: path: ${JSON.stringify(isScalar(node) ? node.value : 'a mapping or list')} is not valid; expected a URL prefix such as /api`]);
}

export function loadWorkerPath(workspaceRoot: string, workerRoot: string): string {
  const file = join(workerRoot, WORKER_YAML_FILE);
  return parseWorkerPath(file, readTextIfExists(join(workspaceRoot, file)));
}
