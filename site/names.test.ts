import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pageBaseName, slugify } from './names.ts';
import { csvField, csvLine } from './twins.ts';
import { escapeHtml, scriptJson } from './html.ts';

test('page names are safe slugs with a hash of the exact package and name', () => {
  assert.is(pageBaseName('example.com/codec', 'Encode/format=json-8').replace(/-[0-9a-f]{10}$/, ''), 'codec-encode-format-json-8');
  const names = ['Encode-8', 'encode-8', 'Encode_8', '../../etc/passwd', '<script>x</script>', 'Ünïcödé/名前-8', '', 'a'.repeat(500)];
  const seen = new Set<string>();
  for (const n of names) {
    const base = pageBaseName('p', n);
    assert.match(base, /^[a-z0-9-]{1,60}-[0-9a-f]{10}$/, n);
    seen.add(base);
  }
  assert.is(seen.size, names.length, 'two benchmarks share a page');
  // The same name in two packages, or with and without a package, gets two pages.
  assert.is.not(pageBaseName('a', 'X-8'), pageBaseName('b', 'X-8'));
  assert.is.not(pageBaseName(null, 'X-8'), pageBaseName('', 'X-8'));
  assert.is(slugify('名前'), 'benchmark');
  assert.is(slugify('Ünïcödé'), 'unicode');
});

test('CSV fields are quoted only when needed', () => {
  assert.is(csvField('plain'), 'plain');
  assert.is(csvField('a,b'), '"a,b"');
  assert.is(csvField('say "hi"'), '"say ""hi"""');
  assert.is(csvField('two\nlines'), '"two\nlines"');
  assert.is(csvField(null), '');
  assert.is(csvField(Number.NaN), '');
  assert.is(csvLine(['x', 1.5, null]), 'x,1.5,\r\n');
});

test('HTML and inline JSON cannot break out of their context', () => {
  assert.is(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  const json = scriptJson({ name: '</script><script>alert(1)</script><!--', sep: '\u2028' });
  assert.not.match(json, '<');
  assert.not.match(json, '\u2028');
  assert.equal(JSON.parse(json), { name: '</script><script>alert(1)</script><!--', sep: '\u2028' });
});

test.run();
