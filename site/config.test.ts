import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commitLink, DEFAULT_ARCH_REVISIONS, defaultSiteConfig, parseSiteConfig } from './config.ts';

test('site.yaml: title, base URL (with its slash) and commit template', () => {
  const c = parseSiteConfig('title: Acme perf\nbase_url: https://acme.example/perf\ncommit_url: https://github.com/acme/w/commit/{rev}\n', 'site.yaml');
  assert.equal(c, { title: 'Acme perf', baseUrl: 'https://acme.example/perf/', commitUrl: 'https://github.com/acme/w/commit/{rev}', archRevisions: DEFAULT_ARCH_REVISIONS });
  assert.is(parseSiteConfig('arch_revisions: 7\n', 'site.yaml').archRevisions, 7);
  assert.is(commitLink(c, 'abc123'), 'https://github.com/acme/w/commit/abc123');
  // A revision is a path segment, never markup or a second path.
  assert.is(commitLink(c, 'a/b"<x>'), 'https://github.com/acme/w/commit/a%2Fb%22%3Cx%3E');
  assert.is(commitLink(c, null), null);
  assert.is(commitLink(defaultSiteConfig(), 'abc'), null);
  assert.equal(parseSiteConfig('', 'site.yaml'), defaultSiteConfig());
});

test('site.yaml errors name the file, line, column and key', () => {
  try {
    parseSiteConfig('title: x\ncommit_url: https://github.com/acme/w/commit/\ntitel: y\n', 'cfg/site.yaml');
    assert.unreachable('accepted a template without {rev}');
  } catch (e) {
    const m = (e as Error).message;
    assert.match(m, /^cfg\/site\.yaml:2:13: commit_url: .*expected: a URL with \{rev\}/m);
    assert.match(m, /^cfg\/site\.yaml:3:1: titel: unknown key; allowed keys: title, base_url, commit_url, arch_revisions$/m);
  }
  try {
    parseSiteConfig('arch_revisions: 0\n', 'site.yaml');
    assert.unreachable('accepted an empty commit picker');
  } catch (e) {
    assert.match((e as Error).message, /^site\.yaml:1:17: arch_revisions: /m);
  }
});

test.run();
