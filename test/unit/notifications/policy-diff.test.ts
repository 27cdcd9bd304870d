import fc from 'fast-check';
import { documentDiff, lineDiff, prettyDocument, renderDiff } from '../../../domain/notifications/policy-diff';

describe('prettyDocument', () => {
  it('pretty-prints with sorted keys, from JSON or URL-encoded JSON', () => {
    const doc = '{"Version":"2012-10-17","Statement":[{"Resource":"*","Effect":"Allow","Action":"s3:GetObject"}]}';
    const pretty = prettyDocument(doc);
    expect(pretty).toBe(prettyDocument(encodeURIComponent(doc)));
    expect(pretty?.split('\n')[1]).toBe('  "Statement": [');
    expect(pretty).toContain('"Action": "s3:GetObject",\n      "Effect": "Allow"');
  });

  it.each(['not json', '[1,2]', '"text"', 'null', '%E0%A4%A'])('is undefined for %j', (text) => {
    expect(prettyDocument(text)).toBeUndefined();
  });
});

describe('lineDiff', () => {
  it('marks removed and added lines', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toEqual([
      { kind: ' ', text: 'a' },
      { kind: '-', text: 'b' },
      { kind: '+', text: 'x' },
      { kind: ' ', text: 'c' },
    ]);
  });

  it('reconstructs both sides and keeps a longest common subsequence (property)', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd', '{', '}'), { maxLength: 30 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const diff = lineDiff(a.join('\n'), b.join('\n')) ?? [];
        expect(diff.filter((l) => l.kind !== '+').map((l) => l.text)).toEqual(a);
        expect(diff.filter((l) => l.kind !== '-').map((l) => l.text)).toEqual(b);
        if (a.join('\n') === b.join('\n')) expect(diff.every((l) => l.kind === ' ')).toBe(true);
      }),
    );
  });

  it('gives up on huge inputs', () => {
    expect(lineDiff('x\n'.repeat(2000), 'y')).toBeUndefined();
  });
});

describe('renderDiff and documentDiff', () => {
  it('keeps two lines of context and collapses the rest', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    const rendered = renderDiff(lineDiff(before, after) ?? []);
    expect(rendered.split('\n')).toEqual(['  …', '  line 8', '  line 9', '- line 10', '+ line ten', '  line 11', '  line 12', '  …']);
  });

  it('diffs two policy documents semantically (key order and encoding do not matter)', () => {
    const before = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
    const after = encodeURIComponent('{"Statement":[{"Resource":"*","Action":"*","Effect":"Allow"}],"Version":"2012-10-17"}');
    const diff = documentDiff(before, after);
    expect(diff).toContain('-       "Action": "s3:GetObject",');
    expect(diff).toContain('+       "Action": "*",');
    expect(documentDiff(before, before)).toBe('(no difference)');
  });

  it('shows a created document as all added lines, and never shows text that is not a document', () => {
    expect(documentDiff(undefined, '{"a":1}').split('\n')).toEqual(['+ {', '+   "a": 1', '+ }']);
    expect(documentDiff('{"a":1}', 'password=hunter2')).toBe('(document is not readable as JSON; not shown)');
  });
});
