/**
 * What `deno task bench --dry-run` prints: the size of a planned sweep before anything runs.
 * A plain preset is one line (its cells); a suite adds one line per member with the member's
 * artefacts, its cells and how many of them no earlier member already has, then the distinct
 * total that would run. Cells already stored in the output folder are counted when given.
 *
 * @module
 */
import type { Sweep } from "./sweep.ts";

/** Lines describing `sweep`; `stored` is the set of ids already done in the output folder. */
export function planSummary(sweep: Sweep, out: string, stored?: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  const seeds = new Set(sweep.cells.map((c) => c.config.seed));
  if (sweep.members) {
    const total = sweep.members.reduce((n, m) => n + m.cells.length, 0);
    lines.push(
      `preset ${sweep.preset.name} (${sweep.scale}): ${sweep.members.length} member presets, ` +
        `${total} member cells, ${sweep.cells.length} distinct (a cell several members share runs once)`,
    );
    const seen = new Set<string>();
    const width = Math.max(...sweep.members.map((m) => m.preset.length));
    const artWidth = Math.max(...sweep.members.map((m) => m.artefacts.join(", ").length));
    for (const m of sweep.members) {
      const fresh = m.cells.filter((id) => !seen.has(id)).length;
      for (const id of m.cells) seen.add(id);
      lines.push(
        `  ${m.preset.padEnd(width)}  ${m.artefacts.join(", ").padEnd(artWidth)}  ` +
          `${String(m.cells.length).padStart(4)} cells, ${String(fresh).padStart(4)} new`,
      );
    }
  } else {
    lines.push(`preset ${sweep.preset.name} (${sweep.scale}): ${sweep.cells.length} cells`);
  }
  lines.push(`seeds: ${[...seeds].sort((a, b) => a - b).join(", ")}`);
  if (stored) {
    const done = sweep.cells.filter((c) => stored.has(c.id)).length;
    lines.push(
      `${out}: ${done} of ${sweep.cells.length} cells already done, ${sweep.cells.length - done} to run`,
    );
  } else {
    lines.push(`${out}: nothing stored yet, ${sweep.cells.length} cells to run`);
  }
  lines.push("dry run: nothing was run or written");
  return lines;
}
