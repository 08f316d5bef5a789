// nx g @tqserver/nx-go:dockerfile <worker> — a Dockerfile rendered from the worker's build-prod plan, and the context's .dockerignore.
import { formatFiles, logger, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { parseServerSettings } from '../../config/settings';
import { buildConfigFiles, parseBuildSettings, WORKER_YAML_FILE } from '../../config/worker-yaml';
import { makeWorker, planBuild } from '../../plan/build';
import { DOCKERIGNORE_LINES, renderDockerfile } from '../../plan/dockerfile';
import { checkDirectory, checkWorkerName, goToolchainOf, serverConfigFile, workerNames, workersDir } from '../workspace-facts';

export interface DockerfileGeneratorOptions {
  /** The worker's directory name under --directory. */
  worker: string;
  directory?: string;
  /** Replace an existing Dockerfile. */
  overwrite?: boolean;
  skipFormat?: boolean;
}

/** TQServer reads these from the worker's directory at run time, so the image carries them beside the binary. */
const RUNTIME_DIRS = ['views', 'public'];

function read(tree: Tree, file: string): string | null {
  return tree.exists(file) ? tree.read(file, 'utf-8') : null;
}

/** The nearest go.mod at or above `dir`. */
function enclosingGoMod(tree: Tree, dir: string): string | undefined {
  for (let d = dir; ; d = posix.dirname(d)) {
    const f = d === '.' ? 'go.mod' : `${d}/go.mod`;
    if (tree.exists(f)) return f;
    if (d === '.') return undefined;
  }
}

/** Non-test Go files of the main package, for what the worker's code says about ports and health. */
function mainSources(tree: Tree, dir: string): string {
  if (!tree.exists(dir)) return '';
  return tree
    .children(dir)
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
    .map((f) => read(tree, `${dir}/${f}`) ?? '')
    .join('\n');
}

export function planDockerfile(tree: Tree, options: DockerfileGeneratorOptions): Record<string, string> {
  checkWorkerName(options.worker);
  const root = posix.join(checkDirectory(options.directory ?? workersDir(tree)), options.worker);
  const isWorker = tree.exists(`${root}/go.mod`) || tree.exists(`${root}/${WORKER_YAML_FILE}`);
  if (!isWorker) throw new Error(`${root} is not a Go worker (it has neither go.mod nor ${WORKER_YAML_FILE}); create it with nx g @tqserver/nx-go:worker ${options.worker}`);
  const dockerfile = `${root}/Dockerfile`;
  if (tree.exists(dockerfile) && !options.overwrite) throw new Error(`${dockerfile} already exists; pass --overwrite to replace it (nothing was written)`);

  const serverFile = serverConfigFile(tree);
  const server = parseServerSettings(serverFile, read(tree, serverFile));
  const files = buildConfigFiles(root);
  const settings = parseBuildSettings(
    { configYaml: { file: files.configYaml, text: read(tree, files.configYaml) }, workerYaml: { file: files.workerYaml, text: read(tree, files.workerYaml) } },
    server,
  );
  const goMod = enclosingGoMod(tree, root);
  if (!goMod) throw new Error(`${root} is in no Go module: no go.mod in it or above it`);
  const vendored = tree.exists(posix.join(posix.dirname(goMod), 'vendor', 'modules.txt'));
  const names = workerNames(tree, root);
  const worker = makeWorker(names.binary, root, settings, server, { hasSrc: tree.exists(`${root}/src`), vendored });
  const job = planBuild(worker, { target: 'build-prod' }, { vendored });
  const goVersion = goToolchainOf(read(tree, goMod)!);
  if (!goVersion) throw new Error(`${goMod} has no go line; the image's Go version comes from it`);

  const code = mainSources(tree, posix.join(root, worker.mainDir));
  const readsPort = /"(WORKER_PORT|PORT)"/.test(code);
  const port = readsPort ? (/defaultPort\s*=\s*"(\d+)"/.exec(code)?.[1] ?? '9000') : undefined;
  const out: Record<string, string> = {
    [dockerfile]: renderDockerfile({
      name: names.binary,
      project: names.project,
      worker: options.worker,
      root,
      job,
      goVersion,
      runtimeDirs: RUNTIME_DIRS.filter((d) => tree.exists(`${root}/${d}`)),
      port,
      healthcheck: /"healthcheck"/.test(code) && /"\/health"/.test(code),
    }),
  };

  // The build context is the workspace root (a worker's module may replace ../../libs/…, or be the root module).
  const ignore = read(tree, '.dockerignore') ?? '';
  const present = new Set(ignore.split('\n').map((l) => l.trim()));
  const missing = DOCKERIGNORE_LINES.filter((l) => !present.has(l));
  if (missing.length) {
    const head = ignore ? `${ignore}${ignore.endsWith('\n') ? '' : '\n'}` : '# Build context of the workers\' Dockerfiles (nx run <worker>:docker-build): the workspace root.\n';
    out['.dockerignore'] = `${head}${missing.join('\n')}\n`;
  }
  return out;
}

export default async function dockerfileGenerator(tree: Tree, options: DockerfileGeneratorOptions): Promise<void> {
  for (const [file, content] of Object.entries(planDockerfile(tree, options))) tree.write(file, content);
  if (!options.skipFormat) await formatFiles(tree);
  const root = posix.join(options.directory ?? workersDir(tree), options.worker);
  logger.info(`nx run ${workerNames(tree, root).project}:docker-build builds it (docker build -f ${root}/Dockerfile .)`);
}
