// Specifies which import paths are read from Go source headers, and which look-alikes are not.

import { parseGoImports } from './go-imports';

const paths = (source: string): string[] => parseGoImports(source).map((spec) => spec.path);

describe('parseGoImports', () => {
  it.each([
    ['single', 'package main\n\nimport "fmt"\n', ['fmt']],
    ['aliased', 'package main\nimport str "strings"\n', ['strings']],
    ['blank', 'package main\nimport _ "embed"\n', ['embed']],
    ['dot', 'package main\nimport . "math"\n', ['math']],
    ['raw string', 'package main\nimport `example.com/raw`\n', ['example.com/raw']],
    ['escaped', 'package main\nimport "example.com/\\x61cme"\n', ['example.com/acme']],
    ['several single declarations', 'package main\nimport "a"\nimport "b"\n', ['a', 'b']],
    ['semicolons on one line', 'package main; import "a"; import "b"; func main() {}', ['a', 'b']],
    [
      'grouped with comments and blank lines',
      [
        'package main',
        '',
        'import (',
        '\t"fmt" // formatting',
        '',
        '\t// "example.com/commented/out"',
        '\t/* "example.com/also/commented" */',
        '\tshared "example.com/acme/shared"',
        '\t_ "example.com/acme/side"',
        '\t. "example.com/acme/dot"',
        '\t`example.com/acme/raw`',
        ')',
      ].join('\n'),
      ['fmt', 'example.com/acme/shared', 'example.com/acme/side', 'example.com/acme/dot', 'example.com/acme/raw'],
    ],
    ['grouped on one line', 'package p\nimport ("a"; b "b")\n', ['a', 'b']],
    ['empty group', 'package p\nimport ()\nimport "after"\n', ['after']],
    ['CRLF', 'package main\r\n\r\nimport (\r\n\t"a"\r\n\tx "b"\r\n)\r\n', ['a', 'b']],
    ['BOM', '\uFEFFpackage main\nimport "a"\n', ['a']],
    [
      'build tags, doc and block comments before package',
      '//go:build linux\n\n/* import "not/this" */\n// Package p does x. import "nor/this"\npackage p\nimport "yes"\n',
      ['yes'],
    ],
    ['comment between keyword and path', 'package p\nimport /* why */ "a"\n', ['a']],
    ['comment between package and import', 'package p // import "x/y"\nimport "a"\n', ['a']],
    ['unicode package name', 'package grüße\nimport "a"\n', ['a']],
    ['no imports', 'package p\n\nfunc F() {}\n', []],
    ['empty file', '', []],
  ])('reads %s', (_label, source, expected) => {
    expect(paths(source)).toEqual(expected);
  });

  it.each([
    ['func', 'package p\nimport "a"\nfunc f() { _ = "import \\"b\\"" }\nimport "c"\n'],
    ['var', 'package p\nimport "a"\nvar x = `\nimport "b"\n`\n'],
    ['type', 'package p\nimport "a"\ntype T struct{}\nimport "b"\n'],
    ['const', 'package p\nimport "a"\nconst c = 1\nimport "b"\n'],
  ])('stops at the first %s declaration', (_label, source) => {
    expect(paths(source)).toEqual(['a']);
  });

  it('keeps the import names', () => {
    expect(parseGoImports('package p\nimport (\n x "a"\n _ "b"\n . "c"\n "d"\n)\n')).toEqual([
      { path: 'a', name: 'x' },
      { path: 'b', name: '_' },
      { path: 'c', name: '.' },
      { path: 'd' },
    ]);
  });

  it('strips carriage returns from raw strings like Go does', () => {
    expect(paths('package p\r\nimport `a\r`\r\n')).toEqual(['a']);
  });

  it.each([
    ['unterminated block comment', 'package p\nimport "a"\n/* import "b"\n', ['a']],
    ['unterminated string', 'package p\nimport "a"\nimport "b\n', ['a']],
    ['unterminated raw string', 'package p\nimport "a"\nimport `b\n', ['a']],
    ['unclosed group', 'package p\nimport (\n "a"\n "b"\n', ['a', 'b']],
    ['name without path', 'package p\nimport (\n "a"\n x\n)\nimport "c"\n', ['a']],
    ['invalid escape', 'package p\nimport "a"\nimport "\\q"\n', ['a']],
    ['garbage', '}}} import "a"', []],
  ])('returns what precedes damage instead of throwing (%s)', (_label, source, expected) => {
    expect(paths(source)).toEqual(expected);
  });
});
