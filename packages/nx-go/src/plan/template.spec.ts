// Specifies the template subset: the three distbuild variables, Go's escaping forms, and errors with offsets.
import { checkTemplate, parseTemplate, renderTemplate, TemplateError, templateDeps, type TemplateScope } from './template';

const values = {
  fields: { OutputDir: '/ws/workers/api/.jobs/gen', SourceDir: '/ws/workers/api' },
  deps: { version: '/ws/workers/api/.jobs/version', 'lib:proto': '/ws/libs/lib/.jobs/proto' },
};
const scope: TemplateScope = { fields: ['OutputDir', 'SourceDir'], deps: ['version', 'lib:proto'] };

function errorOf(src: string, s: TemplateScope = scope): TemplateError {
  const e = checkTemplate(src, s);
  if (!e) throw new Error(`expected ${JSON.stringify(src)} to be rejected`);
  return e;
}

describe('renderTemplate', () => {
  it.each([
    ['{{.OutputDir}}/main.go', '/ws/workers/api/.jobs/gen/main.go'],
    ['{{ .SourceDir }}', '/ws/workers/api'],
    ['{{index .Deps "version"}}/version.go', '/ws/workers/api/.jobs/version/version.go'],
    ['{{ index .Deps `lib:proto` }}', '/ws/libs/lib/.jobs/proto'],
    ['go build -o {{.OutputDir}}/app {{index .Deps "version"}}/lib.go', 'go build -o /ws/workers/api/.jobs/gen/app /ws/workers/api/.jobs/version/lib.go'],
    ['no actions at all', 'no actions at all'],
    ['', ''],
    ['a lone }} is text, as in Go', 'a lone }} is text, as in Go'],
  ])('expands %j', (src, out) => {
    expect(renderTemplate(src, values)).toBe(out);
  });

  it.each([
    ['{{"{{"}}.OutputDir}}', '{{.OutputDir}}'],
    ['{{`{{.SourceDir}}`}}', '{{.SourceDir}}'],
    ['{{"a\\tb\\n\\"q\\"\\x41\\u00e9"}}', 'a\tb\n"q"Aé'],
    ['{{"}}"}}', '}}'],
    ['x{{/* a comment */}}y', 'xy'],
    ['a  {{- .SourceDir -}}  b', 'a/ws/workers/apib'],
    ['a \n {{- /* trimmed */ -}} \n b', 'ab'],
    ['package main\n\nconst Version = "{{"v1"}}"\n', 'package main\n\nconst Version = "v1"\n'],
  ])('writes literal text with Go\'s escaping forms: %j', (src, out) => {
    expect(renderTemplate(src, values)).toBe(out);
  });

  it('throws TemplateError for a variable it has no value for', () => {
    expect(() => renderTemplate('{{.Output}}', values)).toThrow(TemplateError);
  });
});

describe('checkTemplate', () => {
  it.each([
    ['{{.OutputDir', 0, 'unclosed action'],
    ['ab {{.Foo}}', 3, 'unknown variable {{.Foo}}; expected {{.OutputDir}}, {{.SourceDir}}, {{index .Deps "<dep>"}}'],
    ['{{index .Deps "nope"}}', 0, '{{index .Deps "nope"}} names an unknown dep; expected one of "version", "lib:proto"'],
    ['{{.Deps}}', 0, '.Deps is a map; write {{index .Deps "<dep>"}}'],
    ['{{index .Deps}}', 0, 'index takes exactly .Deps and a quoted dep name'],
    ['{{index .Other "x"}}', 0, 'index takes exactly .Deps and a quoted dep name'],
    ['{{printf "%s" .SourceDir}}', 0, 'unknown function "printf"'],
    ['{{}}', 0, 'empty action'],
    ['{{"abc}}', 0, 'unclosed action'],
    ['x{{"\\q"}}', 1, 'unknown escape sequence \\q'],
    ['{{.SourceDir | printf}}', 0, 'unexpected "|"'],
    ['{{/* open', 0, 'unclosed comment'],
  ])('rejects %j at offset %d', (src, offset, message) => {
    const e = errorOf(src);
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(message);
  });

  it('names the second of two references at its own offset', () => {
    expect(errorOf('{{.SourceDir}}/{{.Bad}}').offset).toBe(15);
  });

  it('says when a template has no deps to name', () => {
    expect(errorOf('{{index .Deps "x"}}', { fields: ['OutputDir'], deps: [] }).message).toContain('expected none: this has no deps');
  });

  it('accepts exactly the scope it is given', () => {
    expect(checkTemplate('{{.Output}} {{.Version}}', { fields: ['Output', 'Version'] })).toBeUndefined();
    expect(errorOf('{{index .Deps "x"}}', { fields: ['Output'] }).message).toContain('is not available here');
  });
});

describe('parseTemplate and templateDeps', () => {
  it('keeps the offset of each reference', () => {
    expect(parseTemplate('a{{.SourceDir}}b{{index .Deps "v"}}')).toEqual([
      { text: 'a' },
      { field: 'SourceDir', at: 1 },
      { text: 'b' },
      { dep: 'v', at: 16 },
    ]);
  });

  it('lists the deps a template names, and none for one that does not parse', () => {
    expect(templateDeps('{{index .Deps "a"}}/{{index .Deps "b"}}')).toEqual(['a', 'b']);
    expect(templateDeps('{{index .Deps "a"')).toEqual([]);
  });
});
