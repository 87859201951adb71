/**
 * The plain-text (Markdown) table of a {@link PerfReport}: one line per row with backend,
 * ms/step, images/s, the ratio to PyTorch, memory and tensor counts, then the targets.
 *
 * @module
 */
import type { PerfReport, PerfRow } from "./perf_report.ts";

const num = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? "–" : v.toFixed(d));

function ratioText(r: PerfRow): string {
  const parts: string[] = [];
  if (r.ratioToReference !== null) parts.push(`${(r.ratioToReference * 100).toFixed(1)}% of R18 ×1/8 step`);
  if (r.ratioToPaperStep != null) {
    parts.push(`${(r.ratioToPaperStep * 100).toFixed(2)}% of est. paper-scale R18 step`);
  }
  if (r.pairedBaselineRatio !== undefined) {
    parts.push(
      `×${r.pairedBaselineRatio.toFixed(2)} baseline (alternated steps; baseline ${r.pairedBaselineMs} ms)`,
    );
  } else if (r.ratioToBaseline !== null) parts.push(`×${r.ratioToBaseline.toFixed(2)} baseline row`);
  if (r.macRatio !== undefined) {
    parts.push(`dense MACs ×${r.macRatio.toFixed(2)} baseline (${r.gmacs} G/step)`);
  }
  if (r.tensors && (r.tensors.growth !== 0 || r.tensors.leaked !== 0)) {
    parts.push(`tensors +${r.tensors.growth} over steps, ${r.tensors.leaked} left`);
  }
  if (r.note) parts.push(r.note);
  if (r.error) parts.push(`FAILED: ${r.error}`);
  return parts.join("; ");
}

/** The report as a Markdown table plus a targets list and the machine line. */
export function formatPerf(rep: PerfReport): string {
  const m = rep.machine;
  const load = (l: number[] | null) => (l ? l.map((x) => x.toFixed(2)).join(" ") : "?");
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB ?? "?"} GiB, ${m.os}, Deno ${m.deno}; ` +
    `load ${load(m.loadStart)} → ${load(m.loadEnd)}`,
    `Backends: ${
      rep.backends.map((b) => `${b.name} (${b.device})`).join(", ")
    }; suite threads ${rep.threads.suite}, ` +
    `PyTorch threads ${rep.threads.peer}; PyTorch: ${
      rep.peer.available ? `torch ${rep.peer.version}` : `not run (${rep.peer.reason})`
    }`,
    "",
    "| row | backend | ms/step | images/s | ×PyTorch (PyTorch ms) | peak RSS MiB | tfjs peak MiB | notes |",
    "|---|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of rep.rows) {
    const torch = r.ratioToTorch !== null ? `${r.ratioToTorch.toFixed(2)} (${num(r.torchMs, 0)})` : "–";
    lines.push(
      `| ${r.title} | ${r.backend} | ${num(r.ms, 1)} | ${num(r.imagesPerSec, 0)} | ${torch} | ${
        num(r.peakRssMiB, 0)
      } | ${num(r.tfjsPeakMiB, 0)} | ${ratioText(r)} |`,
    );
  }
  lines.push("", "Targets:");
  for (const t of rep.targets) {
    const mark = t.pass === null ? "not measured" : t.pass ? "met" : "NOT met";
    lines.push(`- ${t.name}: ${t.value === null ? "–" : t.value} (limit ${t.limit}) — ${mark}`);
  }
  const withKernels = rep.rows.filter((r) => r.kernels && r.kernels.length > 0);
  for (const r of withKernels) {
    lines.push("", `Kernels of the warm-up step, ${r.id} (${r.backend}):`);
    for (const k of r.kernels!) {
      lines.push(`  ${k.ms.toFixed(1).padStart(9)} ms ${String(k.calls).padStart(5)}× ${k.name}`);
    }
  }
  return lines.join("\n");
}
