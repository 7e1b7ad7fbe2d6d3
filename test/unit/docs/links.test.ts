// Every relative link in the README and the docs points at a file that exists, and every #anchor at a
// heading of its page, so a newcomer following the README never lands on a 404 or the top of a long page.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? markdownFiles(path) : name.endsWith('.md') ? [path] : [];
  });
}

const PAGES = [
  ...['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'shipper/README.md'].map((file) => join(REPO, file)),
  ...markdownFiles(join(REPO, 'docs')),
];

/** The text outside fenced code blocks and inline code spans: links there are examples, not links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** `[text](target)` targets; an angle-bracketed or titled target keeps only its address. */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!.replace(/^<|>$/g, ''));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (but - and _), spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

const EXTERNAL = /^(https?:|mailto:)/;

describe('links in the README and docs', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Inbound shapes (`inbound_shape_down`, `gateway_down`)')).toBe('inbound-shapes-inbound_shape_down-gateway_down');
    expect(slug('Runbook rules → rule ids → severity → destinations')).toBe('runbook-rules--rule-ids--severity--destinations');
    expect(linkTargets('see [a](docs/a.md#x) and `[b](nope.md)`\n```\n[c](nope.md)\n```\n[d](https://example.com)')).toEqual([
      'docs/a.md#x',
      'https://example.com',
    ]);
  });

  it.each(PAGES.map((page) => [relative(REPO, page), page]))(
    '%s: every relative link resolves, every anchor is a heading',
    (_name, page) => {
      const text = readFileSync(page, 'utf8');
      const broken: string[] = [];
      for (const target of linkTargets(text).filter((t) => !EXTERNAL.test(t))) {
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
        if (!existsSync(file)) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (anchor !== undefined && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor))
          broken.push(`${target}: no heading with that anchor`);
      }
      expect(broken).toEqual([]);
    },
  );
});
