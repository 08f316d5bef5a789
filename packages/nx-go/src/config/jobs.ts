// The `jobs:` and `deps:` keys of a worker's build section: distbuild's Job and Cmd, parsed and checked before anything runs.
import { posix } from 'node:path';
import { checkTemplate, renderTemplate, TemplateError, type TemplateScope } from '../plan/template';
import { ConfigError, envMap, listOf, locate, mapOf, object, string, stringList, type FieldType, type Parsed } from './yaml-schema';

/** One command: distbuild's Exec/Environ/WorkingDirectory, or CatTemplate/CatOutput. */
export type JobCmd = { exec: string[]; env: Record<string, string>; dir?: string } | { cat: { template: string; output: string } };

export interface JobSpec {
  /** Globs relative to the worker, `{workspaceRoot}/…`, or either negated with `!`. */
  inputs: string[];
  /** Jobs of this worker by name, or `project:job`. */
  deps: string[];
  cmds: JobCmd[];
  /** Paths relative to the worker that the job writes besides its output directory (generated sources). */
  outputs: string[];
}

export interface JobsSettings {
  jobs: Record<string, JobSpec>;
  /** Jobs that every build of the worker depends on (`build.deps`). */
  deps: string[];
}

/** The variables a job's strings may use; `{{index .Deps …}}` comes on top. */
export const JOB_FIELDS = ['OutputDir', 'SourceDir'] as const;
/** The variables of build.command and build.flags (rendered by run/build-job.ts). */
export const BUILD_FIELDS = ['Output', 'OutputDir', 'SourceDir', 'Version', 'BuildTime', 'GitCommit'] as const;

/** Where every job writes, under the worker: `.jobs/<job>`. Never an input of anything. */
export const JOBS_DIR = '.jobs';

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** `gen` (this worker's job) or `project:gen` (another project's). */
const DEP_REF = /^(?:[^\s:]+:)?[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const isInside = (p: string) => {
  const n = posix.normalize(p);
  return p.length > 0 && !posix.isAbsolute(p) && n !== '..' && !n.startsWith('../') && n !== '.';
};
const isInputGlob = (s: string) => {
  const g = s.startsWith('!') ? s.slice(1) : s;
  return g.startsWith('{workspaceRoot}/') ? isInside(g.slice('{workspaceRoot}/'.length)) : isInside(g);
};
/** Job outputs are plain paths: Nx restores them as given, and the plugin empties them before a run. */
const isOutputPath = (s: string) => isInside(s) && !/[*?[\]{}]/.test(s) && !/^(bin|dist|\.jobs)(\/|$)/.test(posix.normalize(s));

const cmdShape = {
  exec: stringList(),
  env: envMap,
  dir: string,
  cat: object({ template: string, output: string }),
};

const jobShape = {
  inputs: stringList('a glob relative to the worker or starting with {workspaceRoot}/', isInputGlob),
  deps: stringList('a job of this worker, or project:job', (s) => DEP_REF.test(s)),
  cmds: listOf(object(cmdShape)),
  outputs: stringList('a path relative to the worker, outside bin/, dist/ and .jobs/, with no glob characters', isOutputPath),
};

/** Spread into a build section's shape (config.yaml today, any other file that supplies a build section). */
export const jobsShape = {
  jobs: mapOf(object(jobShape), 'job names (letters, digits, ".", "_", "-")', (s) => JOB_NAME.test(s)) as FieldType<Record<string, Parsed<typeof jobShape>>>,
  deps: stringList('a job of this worker, or project:job', (s) => DEP_REF.test(s)),
};

type ParsedJobs = Parsed<typeof jobsShape> & { flags?: string[]; command?: string };

export const isCrossProject = (dep: string) => dep.includes(':');

/**
 * The checks that span keys: each cmd is exec or cat, deps exist and form no cycle, every template
 * parses and names only known variables and deps, and a cat stays inside its job's outputs. Every
 * problem is reported with file:line:col; throws ConfigError listing them all.
 */
export function readJobs(file: string, text: string, b: ParsedJobs, section: readonly string[] = ['build']): JobsSettings {
  const problems: string[] = [];
  const fail = (path: Array<string | number>, message: string, offset?: number) => {
    const key = [...section, ...path].map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
    problems.push(`${locate(file, text, [...section, ...path], offset)}: ${key}: ${message}`);
  };
  const template = (path: Array<string | number>, src: string, scope: TemplateScope) => {
    const e = checkTemplate(src, scope);
    if (e) fail(path, e.message, e.offset);
  };

  const jobs: Record<string, JobSpec> = {};
  for (const [name, j] of Object.entries(b.jobs ?? {})) {
    const deps = j.deps ?? [];
    const outputs = (j.outputs ?? []).map((o) => posix.normalize(o).replace(/\/$/, ''));
    const cmds: JobCmd[] = [];
    const scope: TemplateScope = { fields: JOB_FIELDS, deps };
    deps.forEach((d, i) => {
      if (!isCrossProject(d) && !(b.jobs ?? {})[d]) fail(['jobs', name, 'deps', i], `${JSON.stringify(d)} is not a job of this worker; expected ${oneOf(Object.keys(b.jobs ?? {}).filter((n) => n !== name))}, or project:job`);
    });
    if (!j.cmds?.length) fail(['jobs', name], 'a job needs at least one command under cmds');
    (j.cmds ?? []).forEach((c, i) => {
      const at = ['jobs', name, 'cmds', i];
      if ((c.exec === undefined) === (c.cat === undefined)) {
        fail(at, 'expected exactly one of exec (a program and its arguments) or cat (template and output)');
        return;
      }
      if (c.exec !== undefined) {
        if (c.exec.length === 0) fail([...at, 'exec'], 'expected the program and its arguments, such as [go, run, ./tools/gen]');
        c.exec.forEach((arg, k) => template([...at, 'exec', k], arg, scope));
        for (const [k, v] of Object.entries(c.env ?? {})) template([...at, 'env', k], v, scope);
        if (c.dir !== undefined) template([...at, 'dir', ], c.dir, scope);
        cmds.push({ exec: c.exec, env: c.env ?? {}, ...(c.dir !== undefined ? { dir: c.dir } : {}) });
        return;
      }
      if (c.env !== undefined || c.dir !== undefined) fail(at, 'env and dir belong to exec commands; a cat command has only template and output');
      const cat = c.cat!;
      if (cat.template === undefined || cat.output === undefined) {
        fail([...at, 'cat'], 'expected both template (the text) and output (the file to write)');
        return;
      }
      template([...at, 'cat', 'template'], cat.template, scope);
      template([...at, 'cat', 'output'], cat.output, scope);
      const escape = catEscape(name, cat.output, deps, outputs);
      if (escape) fail([...at, 'cat', 'output'], escape);
      cmds.push({ cat: { template: cat.template, output: cat.output } });
    });
    jobs[name] = { inputs: j.inputs ?? [], deps, cmds, outputs };
  }

  const cycle = findCycle(jobs);
  if (cycle) fail(['jobs', cycle[0], 'deps', jobs[cycle[0]].deps.indexOf(cycle[1])], `dependency cycle: ${cycle.join(' -> ')}`);

  const buildDeps = b.deps ?? [];
  buildDeps.forEach((d, i) => {
    if (!isCrossProject(d) && !jobs[d]) fail(['deps', i], `${JSON.stringify(d)} is not a job of this worker; expected ${oneOf(Object.keys(jobs))}, or project:job`);
  });
  const buildScope: TemplateScope = { fields: BUILD_FIELDS, deps: buildDeps };
  (b.flags ?? []).forEach((f, i) => template(['flags', i], f, buildScope));
  if (b.command !== undefined) template(['command'], b.command, buildScope);

  if (problems.length) throw new ConfigError(problems);
  return { jobs, deps: buildDeps };
}

const oneOf = (names: string[]) => (names.length ? `one of ${names.join(', ')}` : 'a job declared under build.jobs');

/**
 * Why a cat's output would land outside what the job owns (its output directory and its declared
 * outputs), or undefined. Relative outputs are relative to the worker, like every path in the build section.
 */
function catEscape(job: string, output: string, deps: string[], outputs: string[]): string | undefined {
  let rendered: string;
  try {
    rendered = renderTemplate(output, {
      fields: { OutputDir: `/W/${JOBS_DIR}/${job}`, SourceDir: '/W' },
      deps: Object.fromEntries(deps.map((d) => [d, `/D/${d}`])),
    });
  } catch (e) {
    if (e instanceof TemplateError) return undefined; // reported by the template check
    throw e;
  }
  const path = posix.normalize(posix.isAbsolute(rendered) ? rendered : posix.join('/W', rendered));
  const owned = [`/W/${JOBS_DIR}/${job}`, ...outputs.map((o) => `/W/${o}`)];
  if (owned.some((o) => path.startsWith(`${o}/`) || (path === o && o !== owned[0]))) return undefined;
  const where = path.startsWith('/W/') ? 'a path the job does not own' : 'a path outside the worker';
  return `${JSON.stringify(output)} writes to ${where}; expected a file under {{.OutputDir}}, or one of the job's outputs (${outputs.join(', ') || 'none declared'})`;
}

/** The first cycle among same-worker deps, as job names with the first repeated at the end. */
export function findCycle(jobs: Record<string, Pick<JobSpec, 'deps'>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const d of jobs[name]?.deps ?? []) {
      if (isCrossProject(d) || !jobs[d]) continue;
      const found = visit(d);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(jobs)) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}
