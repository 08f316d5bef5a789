// Specifies build.jobs and build.deps in a worker's config: what parses, and every error with its file:line:col.
import { parseServerSettings, parseWorkerSettings } from './settings';
import { findCycle } from './jobs';
import { pos, problemsOf } from './config-errors.spec-support';

const FILE = 'workers/api/config.yaml';
const server = parseServerSettings(null, null);
const parse = (text: string) => parseWorkerSettings(FILE, text, server);

const GOOD = `name: api
build:
  deps: [gen]
  flags:
    - '-ldflags=-X main.Routes={{index .Deps "gen"}}/routes.txt'
  jobs:
    version:
      inputs: [VERSION, "{workspaceRoot}/config/server.yaml", "!docs/**"]
      cmds:
        - cat:
            template: "package version\\n\\nconst Value = \\"v1\\"\\n"
            output: "{{.OutputDir}}/version.go"
    gen:
      inputs: ["tools/gen/**"]
      deps: [version, "shared:proto"]
      outputs: [src/zz_routes.go]
      cmds:
        - exec: [go, run, ./tools/gen, '{{index .Deps "version"}}/version.go', "{{.OutputDir}}"]
          env: { GEN_SOURCE: "{{.SourceDir}}" }
          dir: tools
        - cat: { template: "// generated\\n", output: src/zz_routes.go }
`;

describe('build.jobs', () => {
  it('parses jobs, their commands, and build.deps', () => {
    const s = parse(GOOD);
    expect(s.deps).toEqual(['gen']);
    expect(s.jobs).toEqual({
      version: {
        inputs: ['VERSION', '{workspaceRoot}/config/server.yaml', '!docs/**'],
        deps: [],
        outputs: [],
        cmds: [{ cat: { template: 'package version\n\nconst Value = "v1"\n', output: '{{.OutputDir}}/version.go' } }],
      },
      gen: {
        inputs: ['tools/gen/**'],
        deps: ['version', 'shared:proto'],
        outputs: ['src/zz_routes.go'],
        cmds: [
          { exec: ['go', 'run', './tools/gen', '{{index .Deps "version"}}/version.go', '{{.OutputDir}}'], env: { GEN_SOURCE: '{{.SourceDir}}' }, dir: 'tools' },
          { cat: { template: '// generated\n', output: 'src/zz_routes.go' } },
        ],
      },
    });
  });

  it('gives a worker without jobs none', () => {
    expect(parse('build:\n  timeout: 5s\n')).toMatchObject({ jobs: {}, deps: [] });
  });

  const job = (body: string) => `build:\n  jobs:\n    gen:\n${body}`;

  it.each([
    [
      'an unknown variable, at its column inside the string',
      job('      cmds:\n        - exec: [go, run, "{{.Output}}"]\n'),
      '"{{.Output}}"', 1,
      'build.jobs.gen.cmds[0].exec[2]: unknown variable {{.Output}}; expected {{.OutputDir}}, {{.SourceDir}}, {{index .Deps "<dep>"}}',
    ],
    [
      'an unknown dep in a template',
      job('      cmds:\n        - exec: [cat, "{{index .Deps \\"nope\\"}}"]\n'),
      // The value holds escapes, so no column inside it is exact: the error points at the string.
      '"{{index', 0,
      'build.jobs.gen.cmds[0].exec[1]: {{index .Deps "nope"}} names an unknown dep; expected none: this has no deps',
    ],
    [
      'a template syntax error',
      job('      cmds:\n        - cat: { template: "x {{.OutputDir", output: "{{.OutputDir}}/a" }\n'),
      '{{.OutputDir",', 0,
      'build.jobs.gen.cmds[0].cat.template: unclosed action: "{{" without a matching "}}"',
    ],
    [
      'a dep that is not a job of the worker',
      job('      deps: [missing]\n      cmds: [{ exec: [echo] }]\n'),
      'missing', 0,
      'build.jobs.gen.deps[0]: "missing" is not a job of this worker; expected a job declared under build.jobs, or project:job',
    ],
    [
      'a command that is both exec and cat',
      job('      cmds:\n        - { exec: [echo], cat: { template: x, output: "{{.OutputDir}}/x" } }\n'),
      '{ exec', 0,
      'build.jobs.gen.cmds[0]: expected exactly one of exec (a program and its arguments) or cat (template and output)',
    ],
    [
      'a command that is neither',
      job('      cmds:\n        - { env: { A: b } }\n'),
      '{ env', 0,
      'build.jobs.gen.cmds[0]: expected exactly one of exec (a program and its arguments) or cat (template and output)',
    ],
    [
      'a cat with env',
      job('      cmds:\n        - { cat: { template: x, output: "{{.OutputDir}}/x" }, env: { A: b } }\n'),
      '{ cat', 0,
      'build.jobs.gen.cmds[0]: env and dir belong to exec commands; a cat command has only template and output',
    ],
    [
      'a cat whose output escapes the worker',
      job('      cmds:\n        - cat: { template: x, output: "{{.SourceDir}}/../other/x.go" }\n'),
      '"{{.SourceDir}}/..', 0,
      'build.jobs.gen.cmds[0].cat.output: "{{.SourceDir}}/../other/x.go" writes to a path outside the worker; expected a file under {{.OutputDir}}, or one of the job\'s outputs (none declared)',
    ],
    [
      'a cat into the source tree that outputs does not declare',
      job('      cmds:\n        - cat: { template: x, output: src/zz.go }\n'),
      'src/zz.go', 0,
      'build.jobs.gen.cmds[0].cat.output: "src/zz.go" writes to a path the job does not own; expected a file under {{.OutputDir}}, or one of the job\'s outputs (none declared)',
    ],
    [
      'a job without commands',
      job('      inputs: [a]\n'),
      'inputs', 0,
      'build.jobs.gen: a job needs at least one command under cmds',
    ],
    [
      'an empty exec',
      job('      cmds:\n        - exec: []\n'),
      '[]', 0,
      'build.jobs.gen.cmds[0].exec: expected the program and its arguments, such as [go, run, ./tools/gen]',
    ],
    [
      'an output in bin/',
      job('      outputs: [bin/x]\n      cmds: [{ exec: [echo] }]\n'),
      'bin/x', 0,
      'build.jobs.gen.outputs[0]: "bin/x" is not valid; expected a path relative to the worker, outside bin/, dist/ and .jobs/, with no glob characters',
    ],
    [
      'an input that leaves the worker',
      job('      inputs: ["../x/**"]\n      cmds: [{ exec: [echo] }]\n'),
      '"../x', 0,
      'build.jobs.gen.inputs[0]: "../x/**" is not valid; expected a glob relative to the worker or starting with {workspaceRoot}/',
    ],
    [
      'a job name with a colon',
      'build:\n  jobs:\n    "a:b":\n      cmds: [{ exec: [echo] }]\n',
      '"a:b"', 0,
      'build.jobs.a:b: "a:b" is not a valid name; expected job names (letters, digits, ".", "_", "-")',
    ],
    [
      'build.deps naming no job',
      'build:\n  deps: [gen]\n',
      'gen', 0,
      'build.deps[0]: "gen" is not a job of this worker; expected a job declared under build.jobs, or project:job',
    ],
    [
      'a build flag naming a dep that build.deps does not list',
      'build:\n  flags: [\'-ldflags=-X main.R={{index .Deps "gen"}}\']\n  jobs:\n    gen:\n      cmds: [{ exec: [echo] }]\n',
      '\'-ldflags', 1,
      'build.flags[0]: {{index .Deps "gen"}} names an unknown dep; expected none: this has no deps',
    ],
  ])('reports %s with file:line:col', (_label, text, needle, shift, message) => {
    const [line, col] = pos(text, needle).split(':').map(Number);
    const offset = shift === 1 ? text.indexOf('{{', text.indexOf(needle)) - text.indexOf(needle) : 0;
    expect(problemsOf(() => parse(text))).toEqual([`${FILE}:${line}:${col + offset}: ${message}`]);
  });

  it('reports a cycle, naming it, at the dep that closes it', () => {
    const text = 'build:\n  jobs:\n    a:\n      deps: [b]\n      cmds: [{ exec: [echo] }]\n    b:\n      deps: [c]\n      cmds: [{ exec: [echo] }]\n    c:\n      deps: [a]\n      cmds: [{ exec: [echo] }]\n';
    expect(problemsOf(() => parse(text))).toEqual([`${FILE}:${pos(text, 'b]')}: build.jobs.a.deps[0]: dependency cycle: a -> b -> c -> a`]);
  });

  it('reports a job that depends on itself', () => {
    const text = 'build:\n  jobs:\n    a:\n      deps: [a]\n      cmds: [{ exec: [echo] }]\n';
    expect(problemsOf(() => parse(text))).toEqual([`${FILE}:${pos(text, 'a]')}: build.jobs.a.deps[0]: dependency cycle: a -> a`]);
  });

  it('reports every problem at once', () => {
    const text = 'build:\n  deps: [x]\n  jobs:\n    gen:\n      cmds: [{ exec: ["{{.Nope}}"] }]\n';
    expect(problemsOf(() => parse(text))).toHaveLength(2);
  });

  it('lets a cat write exactly a declared output, or under a declared output directory', () => {
    const text = job('      outputs: [src/zz.go, src/gen]\n      cmds:\n        - cat: { template: x, output: src/zz.go }\n        - cat: { template: y, output: "{{.SourceDir}}/src/gen/a.go" }\n');
    expect(parse(text).jobs.gen.cmds).toHaveLength(2);
  });
});

describe('findCycle', () => {
  it.each([
    [{ a: { deps: ['b'] }, b: { deps: [] } }, undefined],
    [{ a: { deps: ['b', 'other:x'] }, b: { deps: ['c'] }, c: { deps: ['b'] } }, ['b', 'c', 'b']],
    [{ a: { deps: ['p:a'] } }, undefined],
  ])('%j -> %j', (jobs, cycle) => {
    expect(findCycle(jobs)).toEqual(cycle);
  });
});
