import assert from "node:assert/strict";
import { listMethods, METHODS } from "../../methods/registry.ts";
import { methodMetaFromRegistry } from "../../reports/method_meta.ts";
import { buildT1 } from "../../reports/t1_losses.ts";
import { buildT2 } from "../../reports/t2_amcl_losses.ts";
import { fixtureGrid } from "./fixtures.ts";

Deno.test("method metadata comes from the method registry: one entry per method, in registry order", () => {
  const rows = listMethods();
  const meta = methodMetaFromRegistry(rows);
  assert.deepEqual(meta.map((m) => m.name), METHODS.map((m) => m.name));
  for (const m of meta) {
    const b = rows.find((r) => r.method === m.name && r.variant === "baseline")!;
    const a = rows.find((r) => r.method === m.name && r.variant === "amcl")!;
    assert.equal(m.label, b.title);
    assert.equal(m.baseline.name, b.loss.title);
    assert.equal(m.baseline.latex, b.loss.latex);
    assert.equal(m.amcl.name, a.loss.title);
    assert.equal(m.amcl.equation, a.loss.text);
  }
  const t1 = buildT1(meta);
  const t2 = buildT2(meta);
  assert.equal(t1.rows.length, METHODS.length);
  assert.equal(t2.rows.length, METHODS.length);
  assert.ok(t2.rows.every((r) => String(r.regulariser).includes("β")), "every AMCL loss has a β term");
});

Deno.test("a method without both variants in the rows is left out (structural mapping)", () => {
  const loss = (kind: "baseline" | "amcl") => ({
    name: `l_${kind}`,
    title: `L ${kind}`,
    kind,
    equation: "spec §1",
    latex: "x",
    text: kind === "amcl" ? "L = s/τ + βΩ(τ)" : "L = s",
  });
  const meta = methodMetaFromRegistry([
    { method: "a", variant: "baseline", title: "A", loss: loss("baseline") },
    { method: "a", variant: "amcl", title: "A", loss: loss("amcl") },
    { method: "b", variant: "baseline", title: "B", loss: loss("baseline") },
  ]);
  assert.deepEqual(meta.map((m) => [m.name, m.label, m.baseline.name, m.amcl.name]), [
    ["a", "A", "L baseline", "L amcl"],
  ]);
});

Deno.test("`deno task report` fills T1/T2 from the registry and report.md has no HTML entities", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-report-meta-" });
  try {
    await Deno.mkdir(`${dir}/cells`);
    const recs = fixtureGrid([{ variant: "baseline" }, { variant: "amcl" }], [0, 1], { preset: "quick" });
    for (const r of recs) await Deno.writeTextFile(`${dir}/cells/${r.id}.json`, JSON.stringify(r));
    await Deno.writeTextFile(
      `${dir}/manifest.json`,
      JSON.stringify({ preset: "quick", cells: recs.map((r) => ({ id: r.id })) }),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../reports/report_main.ts", import.meta.url).pathname, "--in", dir],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const csvRows = async (name: string) =>
      (await Deno.readTextFile(`${dir}/report/${name}`)).trim().split("\n").length - 1;
    assert.equal(await csvRows("T1.csv"), METHODS.length);
    assert.equal(await csvRows("T2.csv"), METHODS.length);
    const md = await Deno.readTextFile(`${dir}/report/report.md`);
    assert.ok(!/&(gt|lt|amp|quot|#39);/.test(md), "report.md carries HTML entities");
    assert.ok(md.includes("Δ > 0 / Δ < 0 with p < 0.05"), "comparison operators are written as is");
    assert.ok(md.includes("| SimCLR |"), "T1 names methods by their registry title");
    // LaTeX is a code span: its backslashes survive Markdown rendering.
    assert.ok(md.includes("`\\mathcal{L} = "), "LaTeX shown verbatim");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
