/**
 * Suites: a preset whose `members` are other presets, each resized by its own layer (e.g.
 * `paper-cpu`: T3–T9 and F1, F3–F9 at a size that fits an afternoon). Expanding a suite
 * expands every member and keeps each distinct cell once: cell ids are hashes of the
 * resolved configuration, so a cell two artefacts share (T3's SimCLR baseline is also F3's,
 * F8's, …) runs once. Which cells belong to which member is kept as data ({@link
 * SuiteExpansion.members}), so the report builds each member's tables from exactly its cells.
 *
 * A member's layer replaces its preset's keys at the sweep's scale: the suite's `fixed`,
 * then the member's `fixed` and `grid` win over the preset's own fixed and grid values (top
 * level and scale), its `cases` replace the preset's cases and its `seeds` its seeds.
 * `--set` and `--seeds` then apply to every member, as to a plain preset.
 *
 * @module
 */
import type { Catalog } from "./grid_catalog.ts";
import { type Cell, expandGrid } from "./grid.ts";
import type { Member, Overrides, Preset, ValidLayer } from "./preset.ts";
import type { Scale } from "./settings.ts";

/** The cells of one member. */
export interface MemberCells {
  /** The member preset's name ("t3"). */
  preset: string;
  /** The tables and figures it regenerates (its preset's `artefacts`). */
  artefacts: string[];
  /** Ids of its cells, in its grid order (shared cells appear in several members). */
  cells: string[];
}

/** A suite expanded at one scale. */
export interface SuiteExpansion {
  /** Every distinct cell, in first-seen order (member order, then grid order). */
  cells: Cell[];
  members: MemberCells[];
}

/** The member's preset with the suite's and the member's layers laid over it at `scale`. */
export function memberPreset(suite: Preset, member: Member, scale: Scale): Preset {
  const own = member.preset;
  const sc = own.scales[scale];
  const s = suite.top;
  const m = member.layer;
  const resized: ValidLayer = {
    fixed: { ...sc.fixed, ...sc.grid, ...s.fixed, ...s.grid, ...m.fixed, ...m.grid },
    grid: {},
    cases: m.cases ?? sc.cases ?? own.top.cases,
    seeds: m.seeds ?? s.seeds ?? sc.seeds ?? own.top.seeds,
  };
  // The scale layer comes after the top level in a grid, so these keys win there too.
  return {
    ...own,
    source: `${suite.source} ${member.where} (${own.name})`,
    scales: { ...own.scales, [scale]: resized },
  };
}

/** Expands every member of `suite` at `scale` and keeps each distinct cell once. */
export function expandSuite(
  suite: Preset,
  scale: Scale,
  overrides: Overrides,
  catalog: Catalog,
): SuiteExpansion {
  if (!suite.members) throw new Error(`expandSuite: preset ${suite.name} has no members`);
  const cells: Cell[] = [];
  const seen = new Set<string>();
  const members = suite.members.map((member): MemberCells => {
    const own = expandGrid(memberPreset(suite, member, scale), scale, overrides, catalog);
    for (const c of own) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      cells.push(c);
    }
    return { preset: member.preset.name, artefacts: member.preset.artefacts, cells: own.map((c) => c.id) };
  });
  return { cells, members };
}
