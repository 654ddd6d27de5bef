import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { codeBlocks } from './markdown.js';

// Every relative link of README.md and docs/ names a file that exists, and every #anchor a heading of
// its page (GitHub's anchors), so a renamed page or heading breaks here rather than for a reader.
const root = fileURLToPath(new URL('../..', import.meta.url));

function pages(dir = 'docs'): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? pages(`${dir}/${e.name}`) : e.name.endsWith('.md') ? [`${dir}/${e.name}`] : [],
  );
}

/** The lines of a page outside its fenced code blocks (the others blank). */
function outsideCode(page: string, text: string): string[] {
  const lines = text.split('\n');
  for (const b of codeBlocks(page, text)) {
    const end = b.line + b.code.split('\n').length;
    for (let i = b.line - 1; i <= end && i < lines.length; i++) lines[i] = '';
  }
  return lines;
}

/** The page's prose: no code blocks, no inline code (neither holds links). */
const prose = (page: string, text: string) =>
  outsideCode(page, text)
    .join('\n')
    .replace(/`[^`\n]*`/g, '');

/** GitHub's anchors of a page's headings: lowercased, punctuation dropped, spaces as hyphens. */
function anchors(page: string, text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of outsideCode(page, text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

it('every relative link and anchor of the docs resolves', () => {
  const broken: string[] = [];
  const cache = new Map<string, Set<string>>();
  const anchorsOf = (path: string) => {
    if (!cache.has(path)) cache.set(path, anchors(path, readFileSync(join(root, path), 'utf8')));
    return cache.get(path)!;
  };
  for (const page of ['README.md', ...pages()]) {
    const text = prose(page, readFileSync(join(root, page), 'utf8'));
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/i.test(target)) continue;
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? page : relative(root, join(root, dirname(page), path));
      if (!existsSync(join(root, file))) {
        broken.push(`${page}: ${target} (no ${file})`);
        continue;
      }
      if (
        anchor &&
        file.endsWith('.md') &&
        statSync(join(root, file)).isFile() &&
        !anchorsOf(file).has(anchor)
      )
        broken.push(`${page}: ${target} (no heading #${anchor} in ${file})`);
    }
  }
  expect(broken).toEqual([]);
});
