/**
 * Escaping of strings from data (class names, preset names, error messages) before they
 * go into HTML, Markdown or an inline `<script type="application/json">`.
 *
 * @module
 */

const HTML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]);
}

/**
 * Escapes text for Markdown inline content with backslashes (CommonMark), not HTML
 * entities: backslashes before punctuation, `` ` ``, `*`, `[`, `]`, a `<` that could open
 * a tag or autolink, an `&` that would read as an entity, a `_` that could open or close emphasis (not one inside a word like
 * `mean_i`), and a line-leading `#`, `>`, `-`, `+` or `1.` that would start a block.
 * Line breaks become spaces. Characters like `>` or `&` mid-line stay as they are.
 */
export function escapeMarkdown(text: string): string {
  const out = text
    .replace(/\r?\n/g, " ")
    .replace(/\\(?=[!-/:-@[-`{-~])/g, "\\\\")
    .replace(/[`*[\]]/g, (c) => `\\${c}`)
    .replace(/<(?=[A-Za-z/!?])/g, "\\<")
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, "\\&")
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, "\\_");
  return out.replace(/^(\s*)([#>+-]|\d+[.)])(?=\s|$)/, (_, sp, m) => `${sp}\\${m}`);
}

/** Escapes text for one Markdown table cell: {@link escapeMarkdown} plus `|`. */
export function escapeMarkdownCell(text: string): string {
  return escapeMarkdown(text).replace(/\|/g, "\\|");
}

/**
 * Text as a Markdown code span for a table cell (LaTeX, identifiers): shown verbatim, the
 * fence longer than any backtick run inside; `|` escaped as GFM tables require.
 */
export function markdownCodeCell(text: string): string {
  const flat = text.replace(/\r?\n/g, " ");
  const run = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(run + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat.replace(/\|/g, "\\|")}${pad}${fence}`;
}

/** JSON safe to embed in `<script type="application/json">` (no `<`, `>`, `&`, U+2028/9 raw). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
