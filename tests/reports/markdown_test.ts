import assert from "node:assert/strict";
import { escapeMarkdown, escapeMarkdownCell, markdownCodeCell } from "../../reports/escape.ts";
import { type Table, tableToHtml, tableToMarkdown } from "../../reports/table.ts";

Deno.test("Markdown escaping: backslashes, not HTML entities", () => {
  assert.equal(escapeMarkdown("win = Δ > 0 & p < 0.05"), "win = Δ > 0 & p < 0.05");
  assert.equal(escapeMarkdown("<script>x</script>"), "\\<script>x\\</script>");
  assert.equal(escapeMarkdown("a *b* [c](d) `e`"), "a \\*b\\* \\[c\\](d) \\`e\\`");
  assert.equal(escapeMarkdown("mean_i and _x_"), "mean_i and \\_x\\_");
  assert.equal(escapeMarkdown("&gt; stays text"), "\\&gt; stays text");
  assert.equal(escapeMarkdown("# not a heading"), "\\# not a heading");
  assert.equal(escapeMarkdown("two\nlines"), "two lines");
  assert.equal(escapeMarkdownCell("a | b"), "a \\| b");
  // A backtick at an end needs a space on both sides (CommonMark strips one from each).
  assert.equal(markdownCodeCell("\\{x\\} | `y`"), "`` \\{x\\} \\| `y` ``");
  assert.equal(markdownCodeCell("a_b"), "`a_b`");
});

Deno.test("tableToMarkdown: code columns verbatim, text escaped for Markdown only; HTML escapes for HTML", () => {
  const t: Table = {
    kind: "table",
    id: "TX",
    title: "a > b",
    caption: "p < 0.05 | n ≥ 2",
    columns: [{ key: "eq", label: "equation" }, { key: "tex", label: "LaTeX", code: true }],
    rows: [{ eq: "L = Σ_{n∈S} s_n/τ_n <b>", tex: "\\{\\text{neg}\\} \\cup \\{i^+\\}" }],
    notes: ["win = Δ > 0"],
  };
  const md = tableToMarkdown(t);
  assert.ok(md.startsWith("### TX. a > b\n\np < 0.05 | n ≥ 2\n"), md);
  assert.ok(md.includes("| L = Σ\\_{n∈S} s_n/τ_n \\<b> | `\\{\\text{neg}\\} \\cup \\{i^+\\}` |"), md);
  assert.ok(md.includes("- win = Δ > 0"), md);
  assert.ok(!md.includes("&lt;") && !md.includes("&gt;"));
  const html = tableToHtml(t);
  assert.ok(html.includes("<code>\\{\\text{neg}\\} \\cup \\{i^+\\}</code>"), html);
  assert.ok(html.includes("s_n/τ_n &lt;b&gt;"), html);
});
