import assert from "node:assert/strict";
import { listMethods } from "../../methods/registry.ts";
import { latexToMathml } from "../../reports/math.ts";

Deno.test("latexToMathml: a <math> element with its source as annotation, no KaTeX wrapper", () => {
  const m = latexToMathml("\\frac{s^+}{\\tau}");
  assert.ok(m, "rendered");
  assert.match(m, /^<math xmlns="http:\/\/www\.w3\.org\/1998\/Math\/MathML" display="block">/);
  assert.ok(m.endsWith("</math>"));
  assert.ok(m.includes("<mfrac>"));
  assert.ok(m.includes('<annotation encoding="application/x-tex">\\frac{s^+}{\\tau}</annotation>'));
  assert.ok(!m.includes('class="katex'), "no element that needs KaTeX's stylesheet");
});

Deno.test("latexToMathml: script, bold and blackboard letters become Unicode letters MathML Core shows", () => {
  const m = latexToMathml("\\mathcal{L} + \\mathcal{C} + \\mathbf{z} + \\mathbb{E}");
  assert.ok(m);
  assert.ok(!m.includes('mathvariant="script"'), m);
  for (const ch of ["ℒ", "𝒞", "𝐳", "𝔼"]) assert.ok(m.includes(`<mi>${ch}</mi>`), `${ch} in ${m}`);
});

Deno.test("latexToMathml: null on LaTeX that does not parse; markup and links in the source stay text", () => {
  assert.equal(latexToMathml("\\frac{a"), null);
  const m = latexToMathml("a<b \\text{<img src=x>} \\href{javascript:alert(1)}{x}");
  assert.ok(m);
  assert.ok(!m.includes("<img"), "text is escaped");
  assert.ok(!/href=|javascript:alert\(1\)"/.test(m.replace(/<annotation[^]*<\/annotation>/, "")), "no link");
});

Deno.test("every loss formula of the method registry renders as MathML", () => {
  for (const row of listMethods()) {
    const m = latexToMathml(row.loss.latex);
    assert.ok(m, `${row.method} ${row.variant}: its LaTeX does not parse: ${row.loss.latex}`);
    assert.ok(!m.includes('mathcolor="#cc0000"'), `${row.method} ${row.variant}: unsupported command`);
  }
});
