// nx g @tqserver/nx-go:library <name> — a shared Go package: its own module wired into the workers that use it, or a package of the root module.
import { formatFiles, logger, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { packageProjectName } from '../../inference/tqserver-layout';
import {
  checkDirectory,
  checkFree,
  checkLibraryName,
  detectLayout,
  goVersionForNewModule,
  modulePathOf,
  rootModulePath,
  splitList,
  workersDir,
  type Layout,
} from '../workspace-facts';

export interface LibraryGeneratorOptions {
  name: string;
  layout?: Layout;
  /** Parent directory; default `libs` (module layout) or `pkg` (TQServer's layout). */
  directory?: string;
  /** Module path (module layout only); default `<directory>/<name>`. */
  module?: string;
  /** Comma-separated worker names whose go.mod gets the require + replace (module layout only). */
  workers?: string;
  tags?: string;
  skipFormat?: boolean;
}

function libraryGo(name: string): string {
  return `// Package ${name} is shared by the workers that import it.
package ${name}

// Greeting is an example export; replace it with the shared code.
func Greeting(who string) string {
	return "hello, " + who
}
`;
}

function libraryTestGo(name: string): string {
  return `package ${name}

import "testing"

func TestGreeting(t *testing.T) {
	if got := Greeting("nx"); got != "hello, nx" {
		t.Fatalf("Greeting = %q", got)
	}
}
`;
}

/** Whether go.mod text already has a directive for `module` (require or replace), as its own word. */
function mentions(goMod: string, directive: 'require' | 'replace', module: string): boolean {
  const esc = module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const single = new RegExp(`^\\s*${directive}\\s+${esc}(\\s|$)`, 'm');
  const block = new RegExp(`^\\s*${directive}\\s*\\(([^)]*)\\)`, 'gm');
  if (single.test(goMod)) return true;
  for (const m of goMod.matchAll(block)) if (new RegExp(`^\\s*${esc}(\\s|$)`, 'm').test(m[1])) return true;
  return false;
}

/** Appends `require <module> v0.0.0` and `replace <module> => <rel>` to a worker's go.mod, when missing. */
export function wireLibrary(goMod: string, module: string, relPath: string): string {
  let out = goMod.endsWith('\n') ? goMod : `${goMod}\n`;
  if (!mentions(out, 'require', module)) out += `\nrequire ${module} v0.0.0\n`;
  if (!mentions(out, 'replace', module)) out += `\n// Local library: Go applies only the main module's replace directives.\nreplace ${module} => ${relPath}\n`;
  return out;
}

export function planLibrary(tree: Tree, options: LibraryGeneratorOptions): Record<string, string> {
  const { name } = options;
  checkLibraryName(name);
  const layout = options.layout ?? detectLayout(tree);
  if (layout !== 'module' && layout !== 'tqserver') throw new Error(`--layout "${layout}" is not valid; expected module or tqserver`);
  const directory = checkDirectory(options.directory ?? (layout === 'tqserver' ? 'pkg' : 'libs'));
  const root = posix.join(directory, name);
  checkFree(tree, root);
  const files: Record<string, string> = { [`${root}/${name}.go`]: libraryGo(name), [`${root}/${name}_test.go`]: libraryTestGo(name) };
  const workers = splitList(options.workers);

  if (layout === 'tqserver') {
    const rootModule = rootModulePath(tree);
    if (!rootModule) throw new Error('--layout=tqserver needs a go.mod at the workspace root; run go mod init first, or use --layout=module');
    if (options.module) throw new Error(`--module applies to the module layout; in TQServer's layout the package is ${rootModule}/${root}`);
    if (workers.length) throw new Error(`--workers applies to the module layout; in TQServer's layout every worker imports ${rootModule}/${root} directly`);
    return files;
  }

  const module = options.module ?? root;
  if (!/^[A-Za-z0-9._~/-]+$/.test(module) || module.startsWith('/') || module.endsWith('/')) {
    throw new Error(`--module "${module}" is not a valid Go module path; expected something like example.com/you/${name}`);
  }
  files[`${root}/go.mod`] = `module ${module}\n\ngo ${goVersionForNewModule(tree)}\n`;
  const wdir = workersDir(tree);
  for (const w of workers) {
    const goModFile = posix.join(wdir, w, 'go.mod');
    if (!tree.exists(goModFile)) throw new Error(`--workers: ${goModFile} does not exist; name workers of the module layout by directory name, such as --workers=api,auth (nothing was written)`);
    const goMod = tree.read(goModFile, 'utf-8')!;
    if (modulePathOf(goMod) === module) throw new Error(`--module "${module}" is ${goModFile}'s own module path; choose another`);
    files[goModFile] = wireLibrary(goMod, module, posix.relative(posix.join(wdir, w), root));
  }
  return files;
}

export default async function libraryGenerator(tree: Tree, options: LibraryGeneratorOptions): Promise<void> {
  const files = planLibrary(tree, options);
  for (const [file, content] of Object.entries(files)) tree.write(file, content);
  const tags = splitList(options.tags);
  const root = Object.keys(files)[0].replace(/\/[^/]+$/, '');
  const tqserver = !(`${root}/go.mod` in files);
  // Inference names a root-module package after its path (pkg/textfmt -> pkg-textfmt), a module after its directory.
  const project = tqserver ? packageProjectName(root, '.') : options.name;
  if (tags.length) tree.write(`${root}/project.json`, JSON.stringify({ name: project, tags }, null, 2) + '\n');
  if (!options.skipFormat) await formatFiles(tree);
  logger.info(`import it as ${tqserver ? `${rootModulePath(tree)}/${root}` : options.module ?? root}; nx test ${project}`);
}
