/**
 * The Go text/template subset used for KubeStellar template expansion
 * (src/kubestellar/customize/template.ts). Expected outputs and messages are what Go's
 * text/template (Go 1.23, Option("missingkey=error"), executed on a map[string]string) produces.
 */
import assert from 'node:assert/strict';
import { parseTemplate, renderTemplate, SUPPORTED_FUNCTIONS, type TemplateData } from '../../../src/kubestellar/customize/template.js';

const DATA: TemplateData = new Map(
  Object.entries({
    clusterName: 'cluster1',
    clusterURL: 'https://my.clusters/1001-abcd',
    region: 'east',
    empty: '',
    fmt: '%5s',
    région: 'est',
  }),
);

const render = (source: string, data: TemplateData = DATA) => renderTemplate(source, data, 't');

describe('Go text/template subset (customize/template.ts)', () => {
  describe('output', () => {
    const TABLE: [string, string][] = [
      // [template, output]
      ['no actions at all', 'no actions at all'],
      ['}} and { alone are text', '}} and { alone are text'],
      ['{{ .clusterName }}', 'cluster1'],
      ['{{.clusterName}}', 'cluster1'],
      ['cluster {{ .clusterName }} URL is {{ .clusterURL }}, region is {{ .region }}', 'cluster cluster1 URL is https://my.clusters/1001-abcd, region is east'],
      ['{{ .région }}', 'est'],
      // trim markers: "{{- " and " -}}" with any of space, tab, CR, LF; "{{-3}}" is the number -3
      ['a  {{- .region -}}  b', 'aeastb'],
      ['{{23 -}} < {{- 45}}', '23<45'],
      ['x \r\n\t{{- 3}}', 'x3'],
      ['{{3 -}}\n\n\ty', '3y'],
      ['x\n{{-  3   -}}\ny', 'x3y'],
      ['{{-\n.region\n-}}', 'east'],
      ['a {{-3}}', 'a -3'],
      ['a {{ .region -}} b {{- .region }} c', 'a eastbeast c'],
      // comments
      ['a{{/* a comment */}}b', 'ab'],
      ['a {{- /* trimmed */ -}} b', 'ab'],
      ['{{/*\nmulti\nline\n*/}}x', 'x'],
      ['{{/* {{ .missing }} */}}ok', 'ok'],
      // constants
      ['{{ "x" }}', 'x'],
      ['{{ "}}" }}', '}}'],
      ['{{ "a\\tb\\n\\\\\\"" }}', 'a\tb\n\\"'],
      ['{{ "\\u00e9\\U0001F600\\x41\\101" }}', 'é😀AA'],
      ['{{ `raw \\n {{ }} ` }}', 'raw \\n {{ }} '],
      ['{{ 42 }} {{ -7 }} {{ +3 }}', '42 -7 3'],
      ['{{ 1.5 }} {{ 1.0 }} {{ 1e6 }} {{ 123456.0 }} {{ 1234567.0 }} {{ 0.0001 }} {{ 0.00001 }}', '1.5 1 1e+06 123456 1.234567e+06 0.0001 1e-05'],
      ['{{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }} {{ 0x_ff }}', '31 15 15 5 1000 255'],
      ["{{ 'a' }} {{ '\\n' }} {{ '\\'' }}", '97 10 39'],
      ['{{ true }} {{ false }}', 'true false'],
      // newlines inside actions (Go 1.16+)
      ['{{\n.region\n}}', 'east'],
      ['{{ printf\n"%s-%s"\n.region\n.clusterName }}', 'east-cluster1'],
      // dot, $ and the data
      ['{{ . }}', 'map[clusterName:cluster1 clusterURL:https://my.clusters/1001-abcd empty: fmt:%5s region:east région:est]'],
      ['{{ $ }}', 'map[clusterName:cluster1 clusterURL:https://my.clusters/1001-abcd empty: fmt:%5s region:east région:est]'],
      ['{{ $.region }}', 'east'],
      ['{{ .empty }}|', '|'],
      // pipelines and parentheses (examples from Go's package documentation)
      ['{{"\\"output\\""}}', '"output"'],
      ['{{`"output"`}}', '"output"'],
      ['{{printf "%q" "output"}}', '"output"'],
      ['{{"output" | printf "%q"}}', '"output"'],
      ['{{printf "%q" (print "out" "put")}}', '"output"'],
      ['{{"put" | printf "%s%s" "out" | printf "%q"}}', '"output"'],
      ['{{"output" | printf "%s" | printf "%q"}}', '"output"'],
      ['{{with "output"}}{{printf "%q" .}}{{end}}', '"output"'],
      ['{{ .region | printf "%s-1" }}', 'east-1'],
      ['{{ (.region) }}', 'east'],
      ['{{ "a%%b" | printf }}', 'a%b'],
      ['{{ "%s" | printf }}', '%!s(MISSING)'],
      // print, println, printf
      ['{{ print "a" 1 2 "b" 3 }}', 'a1 2b3'],
      ['{{ print }}|{{ print nil }}', '|<nil>'],
      ['{{ println "a" 1 }}', 'a 1\n'],
      ['{{ printf "%s/%d/%v/%q" .region 7 true "x\\"y" }}', 'east/7/true/"x\\"y"'],
      ['{{ printf "%v|%s|%q" . 1.5 "\\t" }}', 'map[clusterName:cluster1 clusterURL:https://my.clusters/1001-abcd empty: fmt:%5s region:east région:est]|%!s(float64=1.5)|"\\t"'],
      ['{{ printf "100%%" }}', '100%'],
      ['{{ printf "%d %s %d" "x" 3 true }}', '%!d(string=x) %!s(int=3) %!d(bool=true)'],
      ['{{ printf "%s and %s" "a" }}', 'a and %!s(MISSING)'],
      ['{{ printf "%s" "a" "b" 2 }}', 'a%!(EXTRA string=b, int=2)'],
      ['{{ printf "%q %q %v" 65 -1 nil }}', "'A' '\uFFFD' <nil>"],
      ['{{ printf "x%" }}', 'x%!(NOVERB)'],
      ['{{ printf "%q" "\\x00é\\u200b" }}', '"\\x00é\\u200b"'],
      // len and index (bytes for strings, as Go)
      ['{{ len .region }} {{ len "é" }} {{ len . }}', '4 2 6'],
      ['{{ index . "region" }}', 'east'],
      ['{{ index . "missing" }}|', '|'],
      ['{{ index "abc" 1 }}', '98'],
      ['{{ index . }}', 'map[clusterName:cluster1 clusterURL:https://my.clusters/1001-abcd empty: fmt:%5s region:east région:est]'],
      // comparisons
      ['{{ eq .region "east" }} {{ eq .region "west" "east" }} {{ eq 1 2 }}', 'true true false'],
      ['{{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1 2 }}', 'true true true true false'],
      ['{{ eq (index "a" 0) 97 }} {{ lt 1.5 2.5 }} {{ eq true true }}', 'true true true'],
      // and, or, not: Go 1.18+ short-circuits and returns the deciding operand
      ['{{ and 1 "x" }} {{ and 0 "x" }} {{ or "" "y" }} {{ or "a" "y" }}', 'x 0 y a'],
      ['{{ and 0 .missing }} {{ or 1 .missing }}', '0 1'],
      ['{{ not "" }} {{ not .region }} {{ not 0 }}', 'true false true'],
      ['{{ "x" | and 1 }} {{ 0 | or "" }}', 'x 0'],
      // if, else if, else, with, else with
      ['{{ if eq .region "east" }}E{{ else }}W{{ end }}', 'E'],
      ['{{ if eq .region "west" }}W{{ else if eq .region "east" }}E{{ else }}?{{ end }}', 'E'],
      ['{{ if .empty }}yes{{ else }}no{{ end }}', 'no'],
      ['{{ if 0 }}a{{ end }}{{ if 0.5 }}b{{ end }}{{ if . }}c{{ end }}', 'bc'],
      ['{{ if .region }}{{ if .empty }}x{{ else }}nested{{ end }}{{ end }}', 'nested'],
      ['{{ with .region }}<{{ . }}>{{ end }}', '<east>'],
      ['{{ with .empty }}x{{ else }}y{{ end }}', 'y'],
      ['{{ with .empty }}x{{ else with .region }}{{ . }}{{ end }}', 'east'],
      ['{{ with .region }}{{ $.clusterName }}{{ end }}', 'cluster1'],
      ['{{- if .region }}\n  trimmed\n{{- end }}', '\n  trimmed'],
      // html and urlquery
      ['{{ html "<a href=\'x\'>&\\"" }}', '&lt;a href=&#39;x&#39;&gt;&amp;&#34;'],
      ['{{ urlquery "a b&c=d/é~" }}', 'a+b%26c%3Dd%2F%C3%A9~'],
      ['{{ html 1 "a" }}', '1a'],
      ['{{ .clusterURL | urlquery }}', 'https%3A%2F%2Fmy.clusters%2F1001-abcd'],
    ];
    for (const [source, output] of TABLE) {
      it(`${JSON.stringify(source)} → ${JSON.stringify(output)}`, () => {
        const result = render(source);
        assert.equal(result.error, undefined, result.error?.message);
        assert.equal(result.output, output);
      });
    }
  });

  describe('parse errors (reported as data, in Go’s words)', () => {
    const TABLE: [string, string][] = [
      // [template, message]
      ['{{ }}', 'template: t:1: missing value for command'],
      ['{{}}', 'template: t:1: missing value for command'],
      ['{{\n}}', 'template: t:2: missing value for command'],
      ['{{ .region', 'template: t:1: unclosed action'],
      ['text {{', 'template: t:1: unclosed action'],
      ['line1\n{{', 'template: t:2: unclosed action'],
      ['{{\n\n\n\n\n', 'template: t:6: unclosed action started at t:1'],
      ['line1\n{{"x"\n"y"\n', 'template: t:4: unclosed action started at t:2'],
      ['{{/* never closed', 'template: t:1: unclosed comment'],
      ['{{/*\nhello\n}}', 'template: t:1: unclosed comment'],
      ['{{/* c */ }}', 'template: t:1: comment ends before closing delimiter'],
      ['{{ /* c */ }}', 'template: t:1: unexpected "/" in command'],
      ['{{ foo }}', 'template: t:1: function "foo" not defined'],
      ['{{ default "x" .region }}', 'template: t:1: function "default" not defined'],
      ['line1\n{{\nx\n}}', 'template: t:3: function "x" not defined'],
      ['{{ end }}', 'template: t:1: unexpected {{end}}'],
      ['{{ else }}', 'template: t:1: unexpected {{else}}'],
      ['{{ if .region }}x', 'template: t:1: unexpected EOF'],
      ['{{ if .region }}1{{ else }}2{{ else }}3{{ end }}', 'template: t:1: expected end; found {{else}}'],
      ['{{ if .region }}a{{ else if .b }}b{{ end }}{{ end }}', 'template: t:1: unexpected {{end}}'],
      ['{{ if }}{{ end }}', 'template: t:1: missing value for if'],
      ['{{ with .region }}a{{ else if .b }}b{{ end }}', 'template: t:1: unexpected <if> in input'],
      ['{{ end .x }}', 'template: t:1: unexpected ".x" in end'],
      ['{{ "x".a }}', 'template: t:1: unexpected . after term "\\"x\\""'],
      ['{{ true.a }}', 'template: t:1: unexpected . after term "true"'],
      ['{{ 1 | 2 }}', 'template: t:1: non executable command in pipeline stage 2'],
      ['{{ .region | "x" }}', 'template: t:1: non executable command in pipeline stage 2'],
      ['{{ ( ) }}', 'template: t:1: missing value for parenthesized pipeline'],
      ['{{ (1 }}', 'template: t:1: unclosed left paren'],
      ['{{ 1) }}', 'template: t:1: unexpected right paren'],
      ['{{ print 1, 2 }}', 'template: t:1: unexpected "," in operand'],
      ['{{ "abc }}', 'template: t:1: unterminated quoted string'],
      ['{{ `abc }}', 'template: t:1: unterminated raw quoted string'],
      ["{{ 'a }}", 'template: t:1: unterminated character constant'],
      ["{{ 'ab' }}", "template: t:1: malformed character constant: 'ab'"],
      ['{{ "\\q" }}', 'template: t:1: invalid syntax'],
      ['{{ 0xi }}', 'template: t:1: illegal number syntax: "0xi"'],
      ['{{ 0x1g }}', 'template: t:1: bad number syntax: "0x1g"'],
      ['{{ 1e. }}', 'template: t:1: illegal number syntax: "1e"'],
      ['{{ 08 }}', 'template: t:1: integer overflow: "08"'],
      ['{{ .a# }}', "template: t:1: bad character U+0023 '#'"],
      ['{{ print# }}', "template: t:1: bad character U+0023 '#'"],
      ['{{ # }}', 'template: t:1: unexpected "#" in command'],
      ['{{ .region\u00a0}}', 'template: t:1: bad character U+00A0'],
      ['{{ \u00a0 }}', 'template: t:1: unrecognized character in action: U+00A0'],
      ['{{ $x }}', 'template: t:1: undefined variable "$x"'],
      ['{{ break }}', 'template: t:1: {{break}} outside {{range}}'],
      ['{{ print if }}', 'template: t:1: unexpected <if> in operand'],
      ['{{ "a" := 1 }}', 'template: t:1: unexpected ":=" in operand'],
      ['{{ .a : .b }}', 'template: t:1: expected :='],
      // Go accepts these; this implementation does not execute them, so it refuses them by name.
      ['{{ range . }}x{{ end }}', 'template: t:1: unsupported action {{range}}: only if, else, with and end are implemented'],
      ['{{ define "x" }}y{{ end }}', 'template: t:1: unsupported action {{define}}: only if, else, with and end are implemented'],
      ['{{ template "x" }}', 'template: t:1: unsupported action {{template}}: only if, else, with and end are implemented'],
      ['{{ block "x" . }}y{{ end }}', 'template: t:1: unsupported action {{block}}: only if, else, with and end are implemented'],
      ['{{ $x := .region }}{{ $x }}', 'template: t:1: unsupported variable declaration: variables other than $ are not implemented'],
      ['{{ if $x := .region }}{{ end }}', 'template: t:1: unsupported variable declaration: variables other than $ are not implemented'],
      ['{{ js "x" }}', `template: t:1: unsupported function "js": implemented functions are ${SUPPORTED_FUNCTIONS.join(', ')}`],
      ['{{ call .f }}', `template: t:1: unsupported function "call": implemented functions are ${SUPPORTED_FUNCTIONS.join(', ')}`],
      ['{{ slice "abc" 1 }}', `template: t:1: unsupported function "slice": implemented functions are ${SUPPORTED_FUNCTIONS.join(', ')}`],
      ['{{ printf "%5s" .region }}', 'template: t:1: unsupported printf verb "%5s": only %s, %d, %v, %q and %% are implemented'],
      ['{{ printf "%x" 255 }}', 'template: t:1: unsupported printf verb "%x": only %s, %d, %v, %q and %% are implemented'],
      ['{{ printf "%[1]s" "a" }}', 'template: t:1: unsupported printf verb "%[1]s": only %s, %d, %v, %q and %% are implemented'],
      ['{{ 1i }}', 'template: t:1: unsupported number "1i": complex constants are not implemented'],
      ['{{ 1+2i }}', 'template: t:1: unsupported number "1+2i": complex constants are not implemented'],
      ['{{ 0x1p4 }}', 'template: t:1: unsupported number "0x1p4": hexadecimal floating-point constants are not implemented'],
    ];
    for (const [source, message] of TABLE) {
      it(`${JSON.stringify(source)}: ${message}`, () => {
        const parsed = parseTemplate(source, 't');
        assert.equal(parsed.ok, false);
        assert.ok(!parsed.ok);
        assert.equal(parsed.error.phase, 'parse');
        assert.equal(parsed.error.message, message);
        assert.equal(parsed.error.message, `template: t:${parsed.error.line}: ${parsed.error.reason}`);
        // A template that does not parse renders nothing.
        assert.deepEqual(render(source), { output: '', error: parsed.error });
      });
    }
  });

  describe('execution errors (partial output kept, Go’s message shape)', () => {
    const TABLE: [string, string, string][] = [
      // [template, partial output, message]
      ['{{ .zone }}', '', 'template: t:1:3: executing "t" at <.zone>: map has no entry for key "zone"'],
      ['{{ .region }} {{ .zone }} after', 'east ', 'template: t:1:17: executing "t" at <.zone>: map has no entry for key "zone"'],
      ['line1\n  {{ .zone }}', 'line1\n  ', 'template: t:2:5: executing "t" at <.zone>: map has no entry for key "zone"'],
      ['é {{ .zone }}', 'é ', 'template: t:1:6: executing "t" at <.zone>: map has no entry for key "zone"'],
      ['{{ $.zone }}', '', 'template: t:1:3: executing "t" at <$.zone>: map has no entry for key "zone"'],
      ['{{ with .region }}{{ .x }}{{ end }}', '', 'template: t:1:21: executing "t" at <.x>: can\'t evaluate field x in type string'],
      ['{{ .region.x }}', '', 'template: t:1:3: executing "t" at <.region.x>: can\'t evaluate field x in type string'],
      ['{{ .zone.x }}', '', 'template: t:1:3: executing "t" at <.zone.x>: map has no entry for key "zone"'],
      ['{{ (len .region).x }}', '', 'template: t:1:8: executing "t" at <.region>: can\'t evaluate field x in type int'],
      ['{{ .region "x" }}', '', 'template: t:1:3: executing "t" at <.region>: region is not a method but has arguments'],
      ['{{ "x" | .region }}', '', 'template: t:1:9: executing "t" at <.region>: region is not a method but has arguments'],
      ['{{ . "x" }}', '', 'template: t:1:3: executing "t" at <.>: can\'t give argument to non-function .'],
      ['{{ "a" "b" }}', '', 'template: t:1:3: executing "t" at <"a">: can\'t give argument to non-function "a"'],
      ['{{ nil }}', '', 'template: t:1:3: executing "t" at <nil>: nil is not a command'],
      ['{{ eq 1 "a" }}', '', 'template: t:1:3: executing "t" at <eq 1 "a">: error calling eq: incompatible types for comparison'],
      ['{{ eq 1 1.0 }}', '', 'template: t:1:3: executing "t" at <eq 1 1.0>: error calling eq: incompatible types for comparison'],
      ['{{ eq 1 }}', '', 'template: t:1:3: executing "t" at <eq 1>: error calling eq: missing argument for comparison'],
      ['{{ lt true false }}', '', 'template: t:1:3: executing "t" at <lt true false>: error calling lt: invalid type for comparison'],
      ['{{ lt . 1 }}', '', 'template: t:1:3: executing "t" at <lt . 1>: error calling lt: invalid type for comparison'],
      ['{{ le 1 1.0 }}', '', 'template: t:1:3: executing "t" at <le 1 1.0>: error calling le: incompatible types for comparison'],
      ['{{ len 3 }}', '', 'template: t:1:3: executing "t" at <len 3>: error calling len: len of type int'],
      ['{{ index . 1 }}', '', 'template: t:1:3: executing "t" at <index . 1>: error calling index: value has type int; should be string'],
      ['{{ index "abc" 5 }}', '', 'template: t:1:3: executing "t" at <index "abc" 5>: error calling index: index out of range: 5'],
      ['{{ index 3 0 }}', '', 'template: t:1:3: executing "t" at <index 3 0>: error calling index: can\'t index item of type int'],
      ['{{ not }}', '', 'template: t:1:3: executing "t" at <not>: wrong number of args for not: want 1 got 0'],
      ['{{ ne 1 }}', '', 'template: t:1:3: executing "t" at <ne>: wrong number of args for ne: want 2 got 1'],
      ['{{ and }}', '', 'template: t:1:3: executing "t" at <and>: wrong number of args for and: want at least 1 got 0'],
      ['{{ printf }}', '', 'template: t:1:3: executing "t" at <printf>: wrong number of args for printf: want at least 1 got 0'],
      ['{{ printf 3 }}', '', 'template: t:1:10: executing "t" at <3>: expected string; found 3'],
      ['{{ printf .region.x }}', '', 'template: t:1:10: executing "t" at <.region.x>: can\'t evaluate field x in type string'],
      ['{{ 3 | printf }}', '', 'template: t:1:7: executing "t" at <printf>: wrong type for value; expected string; got int'],
      ['{{ printf .fmt .region }}', '', 'template: t:1:10: executing "t" at <.fmt>: unsupported printf verb "%5s": only %s, %d, %v, %q and %% are implemented'],
      ['{{ not nil }}', '', 'template: t:1:7: executing "t" at <nil>: cannot assign nil to reflect.Value'],
      ['{{ or 0 .zone }}', '', 'template: t:1:8: executing "t" at <.zone>: map has no entry for key "zone"'],
      ['{{ if .zone }}x{{ end }}', '', 'template: t:1:6: executing "t" at <.zone>: map has no entry for key "zone"'],
      ['a{{ if .region }}b{{ .zone }}c{{ end }}', 'ab', 'template: t:1:21: executing "t" at <.zone>: map has no entry for key "zone"'],
    ];
    for (const [source, output, message] of TABLE) {
      it(`${JSON.stringify(source)}: ${message}`, () => {
        assert.ok(parseTemplate(source, 't').ok, 'parses');
        const result = render(source);
        assert.equal(result.output, output);
        assert.equal(result.error?.phase, 'exec');
        assert.equal(result.error?.message, message);
        assert.equal(result.error?.message, `template: t:${result.error?.line}:${result.error?.column}: executing "t" at <${result.error?.context}>: ${result.error?.reason}`);
      });
    }

    it('names the template as given (Go quotes it after "executing")', () => {
      const result = renderTemplate('{{ .zone }}', DATA, 'spec.x[0]');
      assert.equal(result.error?.message, 'template: spec.x[0]:1:3: executing "spec.x[0]" at <.zone>: map has no entry for key "zone"');
      assert.equal(renderTemplate('{{ .zone }}', DATA).error?.message, 'template: :1:3: executing "" at <.zone>: map has no entry for key "zone"');
    });
  });

  describe('robustness', () => {
    it('refuses deep nesting with an error instead of overflowing the stack', () => {
      const parens = `{{ ${'('.repeat(1001)}1${')'.repeat(1001)} }}`;
      assert.equal(render(parens).error?.message, 'template: t:1: max expression depth exceeded');
      assert.equal(render(`{{ ${'('.repeat(900)}1${')'.repeat(900)} }}`).output, '1');
      const ifs = `${'{{ if 1 }}'.repeat(1001)}x${'{{ end }}'.repeat(1001)}`;
      assert.equal(render(ifs).error?.message, 'template: t:1: max expression depth exceeded');
      assert.equal(render(`${'{{ if 1 }}'.repeat(500)}x${'{{ end }}'.repeat(500)}`).output, 'x');
    });

    it('never throws, whatever the input', () => {
      const pieces = ['{{', '}}', '{{-', ' -}}', '/*', '*/', '.', '.region', '.zone', '$', '(', ')', '|', '"', '`', "'", ' ', '\n', 'if', 'else', 'end', 'with', 'range', 'print', 'printf', '"%s"', 'eq', 'and', 'nil', '1', '-', 'x', 'é', ':=', ','];
      let seed = 42;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      for (let i = 0; i < 3000; i++) {
        let source = '';
        for (let j = random(12); j >= 0; j--) source += pieces[random(pieces.length)];
        const result = render(source);
        assert.equal(typeof result.output, 'string');
        if (result.error !== undefined) assert.match(result.error.message, /^template: t:/, source);
      }
    });
  });
});
