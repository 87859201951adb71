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

/** Escapes text for one Markdown table cell (HTML entities, pipes, no line breaks). */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/[&<>]/g, (c) => HTML[c]).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** JSON safe to embed in `<script type="application/json">` (no `<`, `>`, `&`, U+2028/9 raw). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
