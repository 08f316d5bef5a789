// The JSON Schemas shipped in schemas/, assembled from the validator's own field definitions so that editor and build agree.
import { posix } from 'node:path';
import { object, type JsonSchema } from './yaml-schema';
import { serverShape, workerShape } from './settings';

const DRAFT = 'http://json-schema.org/draft-07/schema#';
const BASE_ID = 'https://unpkg.com/@tqserver/nx-go/schemas/';

/** File names under the package's schemas/ directory. */
export const SCHEMA_FILES = {
  workerConfig: 'worker-config.json',
  workerYaml: 'worker-yaml.json',
  serverYaml: 'server-yaml.json',
} as const;

const BUILD_DESCRIPTION = 'Build settings read by @tqserver/nx-go; unknown keys are errors.';

/**
 * A whole file: only `build:` is the plugin's and is strict; every other top-level key belongs to
 * TQServer and is left open, exactly as readSection leaves it.
 */
function document(file: string, title: string, build: JsonSchema, others: Record<string, JsonSchema> = {}): JsonSchema {
  return {
    $schema: DRAFT,
    $id: BASE_ID + file,
    title,
    type: ['object', 'null'],
    properties: { ...others, build: { ...build, description: BUILD_DESCRIPTION } },
  };
}

/** The seed's workers/<name>/config.yaml. */
export function workerConfigSchema(): JsonSchema {
  return document(SCHEMA_FILES.workerConfig, 'Worker config.yaml (the seed layout)', object(workerShape).schema, {
    name: { type: 'string', description: 'The worker name; the directory name is what the plugin uses.' },
  });
}

/**
 * TQServer's workers/<name>/config/worker.yaml. `type` and `enabled` mirror parseWorkerYaml (worker-yaml.ts),
 * which reads them by hand because TQServer itself ignores unknown keys.
 */
export function workerYamlSchema(): JsonSchema {
  return document(SCHEMA_FILES.workerYaml, "TQServer's config/worker.yaml", object(workerShape).schema, {
    path: { type: 'string', description: 'URL prefix the server routes to this worker (required by TQServer).' },
    type: {
      enum: ['go', 'bun', 'php', '', null],
      description: 'go, bun or php; empty means go.',
    },
    enabled: {
      type: ['string', 'boolean', 'number', 'null'],
      description: '"false" disables the worker, "development" enables it in dev mode only; anything else enables it.',
    },
  });
}

/** config/server.yaml: only its build: section is the plugin's. */
export function serverYamlSchema(): JsonSchema {
  return document(SCHEMA_FILES.serverYaml, 'TQServer config/server.yaml (the build: section)', object(serverShape).schema);
}

export function allSchemas(): Record<string, JsonSchema> {
  return {
    [SCHEMA_FILES.workerConfig]: workerConfigSchema(),
    [SCHEMA_FILES.workerYaml]: workerYamlSchema(),
    [SCHEMA_FILES.serverYaml]: serverYamlSchema(),
  };
}

/**
 * The modeline the yaml-language-server reads, pointing into the installed package by a path relative
 * to `file` (both workspace-relative), so it works offline and follows the installed version.
 */
export function schemaModeline(file: string, schemaFile: string): string {
  const rel = posix.relative(posix.dirname(file), `node_modules/@tqserver/nx-go/schemas/${schemaFile}`);
  return `# yaml-language-server: $schema=${rel}`;
}
