/**
 * The metadata every loss file exports, so that the formula tables (T1 baselines, T2 AMCL)
 * are generated from code rather than retyped.
 *
 * @module
 */

/** Describes one loss: its registry name, where the spec defines it, and its formula. */
export interface LossInfo {
  /** Registry name, the `loss` field of a test vector (e.g. `amcl_ntxent`). */
  name: string;
  /** Human title for tables (e.g. "AMCL NT-Xent (SimCLR)"). */
  title: string;
  /** Baseline (fixed temperature) or AMCL (adaptive temperature). */
  kind: "baseline" | "amcl";
  /** Methods that use it (registry method names, lower case). */
  methods: readonly string[];
  /** Where the project spec defines it, e.g. "amcl.md §5, paper Eq. 2.1 / Eq. 5". */
  equation: string;
  /** The formula in LaTeX (math mode, no surrounding `$`). */
  latex: string;
  /** The formula in plain text (one or a few lines). */
  text: string;
}
