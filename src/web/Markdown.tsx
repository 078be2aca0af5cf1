// Markdown as safe HTML, for notes and thread entries: markdown-it with raw HTML off (a `<script>`
// in the text is shown as text), links checked by markdown-it (no javascript:, vbscript:, file:,
// data: links), bare URLs made links, code fences highlighted by highlight.js (its core and the
// languages below, in the bundle: nothing is fetched), then DOMPurify over the result with style
// attributes and event handlers removed, so nothing in a note runs and nothing breaks the server's
// CSP. Every block carries the line it starts on (`data-line`), so `#L<line>` lands on it; headings
// carry their anchors and a link.
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import 'highlight.js/styles/github.css';
import MarkdownIt from 'markdown-it';
import { useEffect, useMemo, useRef, type MouseEvent } from 'react';
import { parseFrontMatter } from '../shared/notes.js';
import { navigate } from './router.js';

export interface MarkdownHeading {
  line: number;
  slug: string;
}

export interface MarkdownProps {
  text: string;
  /** The headings' anchors by their (1-based) line, as the server parsed them. */
  headings?: MarkdownHeading[];
  /** Where a relative link leads (a note's link to another note), or undefined to leave it. */
  resolveLink?: (href: string) => string | undefined;
  /** What to show and mark: `L<line>` (the block holding that line) or a heading's anchor. */
  target?: string | undefined;
  /** Leave out YAML front matter (its lines kept blank, so that lines still count from the file's top). */
  frontMatter?: boolean;
  /** Keep single line breaks (entries), instead of joining the lines of a paragraph (notes). */
  breaks?: boolean;
  className?: string;
}

// The languages developers' notes mostly hold; each adds a few kilobytes to the bundle. Their
// usual aliases come with them (sh, shell, js, ts, py, yml, html …).
for (const [name, language] of Object.entries({
  bash,
  css,
  diff,
  go,
  javascript,
  json,
  python,
  rust,
  sql,
  typescript,
  xml,
  yaml,
})) {
  hljs.registerLanguage(name, language);
}

/** A fence's code as highlighted HTML, or '' (markdown-it escapes it) for a language not registered. */
function highlight(code: string, language: string): string {
  if (!language || !hljs.getLanguage(language)) return '';
  try {
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  } catch {
    return '';
  }
}

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, highlight });
/** For thread entries, written at a prompt: a line break is kept as one. */
const markdownWithBreaks = new MarkdownIt({
  html: false,
  linkify: true,
  typographer: false,
  breaks: true,
  highlight,
});

/** The HTML of `text`: every block opening with `data-line`, headings with their ids. */
export function renderMarkdown(
  text: string,
  options: Pick<MarkdownProps, 'headings' | 'resolveLink' | 'frontMatter' | 'breaks'> = {},
): string {
  const parser = options.breaks ? markdownWithBreaks : markdown;
  const { headings = [], resolveLink } = options;
  const slugAt = new Map(headings.map((h) => [h.line, h.slug]));
  let source = text;
  if (options.frontMatter) {
    const lines = text.split('\n');
    const { lines: taken } = parseFrontMatter(lines);
    source = [...lines.slice(0, taken).map(() => ''), ...lines.slice(taken)].join('\n');
  }
  const tokens = parser.parse(source, {});
  for (const token of tokens) {
    if (token.map && token.nesting !== -1 && token.block) {
      const line = token.map[0] + 1;
      token.attrSet('data-line', String(line));
      const slug = token.type === 'heading_open' ? slugAt.get(line) : undefined;
      if (slug) token.attrSet('id', slug);
    }
    for (const child of token.children ?? []) {
      if (child.type !== 'link_open') continue;
      const href = String(child.attrGet('href') ?? '');
      const resolved = href && resolveLink ? resolveLink(href) : undefined;
      if (resolved) child.attrSet('href', resolved);
      else if (href && /^https?:/i.test(href)) child.attrSet('rel', 'noopener noreferrer');
    }
  }
  const html = parser.renderer.render(tokens, parser.options, {});
  return DOMPurify.sanitize(html, {
    FORBID_ATTR: ['style'],
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'],
  });
}

/** The block that holds `line`: the last one starting at or before it. */
function blockAt(root: HTMLElement, line: number): HTMLElement | undefined {
  let found: HTMLElement | undefined;
  for (const element of root.querySelectorAll<HTMLElement>('[data-line]')) {
    if (Number(element.dataset.line) <= line) found = element;
    else break;
  }
  return found;
}

export function Markdown({
  text,
  headings,
  resolveLink,
  target,
  frontMatter,
  breaks,
  className,
}: MarkdownProps) {
  const html = useMemo(
    () => renderMarkdown(text, { headings, resolveLink, frontMatter, breaks }),
    [text, headings, resolveLink, frontMatter, breaks],
  );
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const container = root.current;
    if (!container) return;
    for (const old of container.querySelectorAll('.target')) old.classList.remove('target');
    if (!target) return;
    const line = /^L(\d+)$/.exec(target)?.[1];
    const element =
      line !== undefined
        ? blockAt(container, Number(line))
        : (container.querySelector<HTMLElement>(`[id="${CSS.escape(target)}"]`) ?? undefined);
    if (!element) return;
    element.classList.add('target');
    element.scrollIntoView({ block: 'start' });
  }, [html, target]);
  // Headings get a link to their anchor (added here, not in the HTML, so the sanitizer stays strict).
  useEffect(() => {
    const container = root.current;
    if (!container) return;
    for (const heading of container.querySelectorAll<HTMLElement>(
      'h1[id], h2[id], h3[id], h4[id], h5[id], h6[id]',
    )) {
      if (heading.querySelector('a.anchor')) continue;
      const anchor = document.createElement('a');
      anchor.className = 'anchor';
      anchor.href = `#${heading.id}`;
      anchor.textContent = '#';
      anchor.setAttribute('aria-label', `Link to ${heading.textContent ?? 'this heading'}`);
      heading.append(' ', anchor);
    }
  }, [html]);
  // Links inside the site stay in the page; others open as usual.
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const link = (event.target as HTMLElement).closest('a');
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    const href = link.getAttribute('href') ?? '';
    if (href.startsWith('#')) {
      event.preventDefault();
      window.history.pushState({}, '', href);
      window.dispatchEvent(new PopStateEvent('popstate'));
    } else if (href.startsWith('/') && !href.startsWith('//')) {
      event.preventDefault();
      navigate(href);
    }
  };
  return (
    <div
      ref={root}
      className={`markdown${className ? ` ${className}` : ''}`}
      onClick={onClick}
      // Sanitised above: markdown-it without raw HTML, then DOMPurify.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
