// nx g @tqserver/nx-go:worker <name> — a worker that builds, tests and serves at once, in either layout.
import { formatFiles, logger, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { schemaModeline, SCHEMA_FILES } from '../../config/json-schema';
import { WORKER_CONFIG_FILE } from '../../config/settings';
import { WORKER_YAML_FILE } from '../../config/worker-yaml';
import {
  checkDirectory,
  checkFree,
  checkWorkerName,
  detectLayout,
  goVersionForNewModule,
  rootModulePath,
  splitList,
  workersDir,
  pluginOptions,
  workerNames,
  type Layout,
} from '../workspace-facts';
import { mainGo, mainTestGo } from './go-files';

export interface WorkerGeneratorOptions {
  name: string;
  /** `module`: own go.mod + config.yaml; `tqserver`: a main package of the root module + config/worker.yaml. */
  layout?: Layout;
  /** Parent directory; default TQServer's workers.directory, else `workers`. */
  directory?: string;
  /** Module path (module layout only); default `<directory>/<name>`. */
  module?: string;
  /** URL prefix TQServer routes to the worker; default `/<name>`. */
  path?: string;
  /** Comma-separated Nx tags, written to a project.json beside the inferred targets. */
  tags?: string;
  skipFormat?: boolean;
}

export interface PlannedWorker {
  root: string;
  layout: Layout;
  files: Record<string, string>;
}

/** Pure over the Tree's reads: every check happens before a file is planned, so a refusal writes nothing. */
export function planWorker(tree: Tree, options: WorkerGeneratorOptions): PlannedWorker {
  const { name } = options;
  checkWorkerName(name);
  const layout = options.layout ?? detectLayout(tree);
  if (layout !== 'module' && layout !== 'tqserver') throw new Error(`--layout "${layout}" is not valid; expected module or tqserver`);
  const directory = checkDirectory(options.directory ?? workersDir(tree));
  const root = posix.join(directory, name);
  checkFree(tree, root);
  const urlPath = options.path ?? `/${name}`;
  if (!urlPath.startsWith('/')) throw new Error(`--path "${urlPath}" is not valid; expected a URL prefix starting with /, such as /${name}`);

  const files: Record<string, string> = {
    [`${root}/src/main.go`]: mainGo(name),
    [`${root}/src/main_test.go`]: mainTestGo(),
  };

  if (layout === 'tqserver') {
    if (options.module) throw new Error(`--module applies to the module layout; in TQServer's layout the worker is a package of the root module (${rootModulePath(tree) ?? 'go.mod'})`);
    if (!tree.exists('go.mod')) throw new Error('--layout=tqserver needs a go.mod at the workspace root (TQServer keeps one module there); run go mod init first, or use --layout=module');
    const file = `${root}/${WORKER_YAML_FILE}`;
    files[file] = [
      schemaModeline(file, SCHEMA_FILES.workerYaml),
      `# TQServer reads path, type and enabled; build: is read by @tqserver/nx-go (all keys optional).`,
      `path: ${JSON.stringify(urlPath)}`,
      `type: "go"`,
      `enabled: "true"`,
      '',
    ].join('\n');
  } else {
    const module = options.module ?? root;
    if (!/^[A-Za-z0-9._~/-]+$/.test(module) || module.startsWith('/') || module.endsWith('/')) {
      throw new Error(`--module "${module}" is not a valid Go module path; expected something like example.com/you/${name}`);
    }
    files[`${root}/go.mod`] = `module ${module}\n\ngo ${goVersionForNewModule(tree)}\n`;
    const file = `${root}/${WORKER_CONFIG_FILE}`;
    files[file] = [
      schemaModeline(file, SCHEMA_FILES.workerConfig),
      `name: ${name}`,
      `path: ${JSON.stringify(urlPath)}`,
      '',
      '# Build settings (see the README of @tqserver/nx-go); every key is optional.',
      'build:',
      '  # A cold production build of net/http compiles much of the standard library with -trimpath.',
      '  timeout: 5m',
      '',
    ].join('\n');
  }

  const tags = splitList(options.tags);
  if (tags.length) {
    // Inferred projects cannot take tags from a generator; Nx merges a project.json at the same root.
    files[`${root}/project.json`] = JSON.stringify({ name, $schema: `${posix.relative(root, 'node_modules/nx/schemas/project-schema.json')}`, tags }, null, 2) + '\n';
  }
  return { root, layout, files };
}

/** The plugin's `workers` globs as nx.json has them, or its defaults. */
function workerGlobs(tree: Tree): string[] {
  const option = pluginOptions(tree).workers;
  return option === undefined ? [`${workersDir(tree)}/*`] : ([] as string[]).concat(option);
}

export default async function workerGenerator(tree: Tree, options: WorkerGeneratorOptions): Promise<void> {
  const plan = planWorker(tree, options);
  const parent = posix.dirname(plan.root);
  if (!workerGlobs(tree).includes(`${parent}/*`)) {
    logger.warn(`${parent}/* is not among the plugin's workers globs in nx.json (${workerGlobs(tree).join(', ')}): ${plan.root} will not be a worker project until you add it`);
  }
  for (const [file, content] of Object.entries(plan.files)) tree.write(file, content);
  if (!options.skipFormat) await formatFiles(tree);
  const project = workerNames(tree, plan.root).project;
  logger.info(`${plan.layout} layout: nx build ${project}, nx test ${project}, then nx g @tqserver/nx-go:dockerfile ${options.name} for an image`);
}
