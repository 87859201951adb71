/**
 * F2 — the pipeline diagram: single head with constant τ, single head with adaptive τ,
 * multi-head with adaptive τ (the AMCL structure every registry method gets: C heads, the
 * shared temperature MLP φ, the regulariser Ω). Drawn as a Vega-Lite chart of boxes and
 * arrows so it renders through the same SVG/PNG path; the methods listed come from the
 * registry's metadata when given.
 *
 * @module
 */

import type { MethodMeta } from "./method_meta.ts";
import { BASE_CONFIG, type Figure } from "./render.ts";

interface Box {
  row: number;
  x: number;
  x2: number;
  label: string;
  sub?: string;
  kind: "data" | "net" | "amcl" | "loss";
}

const ROWS = [
  "(a) single head, constant τ",
  "(b) single head, adaptive τ",
  "(c) multi-head, adaptive τ (AMCL)",
];

const COMMON: Omit<Box, "row">[] = [
  { x: 0, x2: 11, label: "image x", kind: "data" },
  { x: 14, x2: 27, label: "augment", sub: "two views", kind: "data" },
  { x: 30, x2: 42, label: "encoder f", sub: "shared", kind: "net" },
];

const BOXES: Box[] = [
  ...[0, 1, 2].flatMap((row) => COMMON.map((b) => ({ ...b, row }))),
  { row: 0, x: 45, x2: 58, label: "head g", sub: "z, z′", kind: "net" },
  { row: 0, x: 61, x2: 76, label: "constant τ", sub: "one for all pairs", kind: "data" },
  { row: 0, x: 79, x2: 100, label: "loss(sim/τ)", sub: "NT-Xent, InfoNCE, …", kind: "loss" },
  { row: 1, x: 45, x2: 58, label: "head g", sub: "z, z′", kind: "net" },
  { row: 1, x: 61, x2: 76, label: "φ → τ per pair", sub: "τ = η + ι·σ(−⟨φ(z),φ(z′)⟩)", kind: "amcl" },
  { row: 1, x: 79, x2: 100, label: "sim/τ + β·Ω(τ)", sub: "Ω(τ) = (d′/2)·log τ + 1/τ", kind: "loss" },
  { row: 2, x: 45, x2: 58, label: "heads g₁…g_C", sub: "independent", kind: "net" },
  { row: 2, x: 61, x2: 76, label: "shared φ → τᶜ", sub: "per pair, per head", kind: "amcl" },
  { row: 2, x: 79, x2: 100, label: "Σ_c [sim/τᶜ + β·Ω]", sub: "heads summed", kind: "loss" },
];

/** Builds F2 (a generated diagram; `methods` only fills the caption). */
export function buildF2(methods: readonly MethodMeta[] = []): Figure {
  const rowH = 10;
  const top = (row: number) => row * (rowH + 6) + 4;
  const boxes = BOXES.map((b) => ({ ...b, y: top(b.row), y2: top(b.row) + rowH, cx: (b.x + b.x2) / 2 }));
  const arrows = boxes
    .filter((b) => b.x > 0)
    .map((b) => ({ x: b.x - 3, x2: b.x - 0.6, y: b.y + rowH / 2, label: "▶" }));
  const rowLabels = ROWS.map((label, row) => ({ label, y: top(row) - 1.2 }));
  const xs = { type: "quantitative", scale: { domain: [0, 100] }, axis: null };
  const ys = { type: "quantitative", scale: { domain: [48, -4], nice: false }, axis: null };
  const names = methods.map((m) => m.label ?? m.name);
  return {
    kind: "figure",
    id: "F2",
    title: "Pipeline: single head constant τ, single head adaptive τ, multi-head adaptive τ",
    caption: "A generated diagram of the three pipelines (not a reproduction of the paper's artwork)" +
      (names.length
        ? `; every registry method (${names.join(", ")}) has both a baseline and an AMCL form.`
        : "."),
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "F2 · pipelines",
      config: { ...BASE_CONFIG, view: { stroke: null } },
      width: 820,
      height: 300,
      layer: [
        {
          data: { values: boxes },
          mark: { type: "rect", cornerRadius: 4, stroke: "#333", strokeWidth: 1 },
          encoding: {
            x: { field: "x", ...xs },
            x2: { field: "x2" },
            y: { field: "y", ...ys },
            y2: { field: "y2" },
            color: {
              field: "kind",
              type: "nominal",
              title: "part",
              scale: {
                domain: ["data", "net", "amcl", "loss"],
                range: ["#eeeeee", "#cfe2f3", "#f9cb9c", "#d9ead3"],
              },
            },
          },
        },
        {
          data: { values: boxes },
          mark: { type: "text", fontSize: 11, fontWeight: "bold", dy: -6 },
          encoding: { x: { field: "cx", ...xs }, y: { field: "y", ...ys }, text: { field: "label" } },
          transform: [{ calculate: "datum.y + 5", as: "y" }],
        },
        {
          data: { values: boxes.filter((b) => b.sub) },
          mark: { type: "text", fontSize: 9, dy: 7, color: "#333" },
          encoding: { x: { field: "cx", ...xs }, y: { field: "y", ...ys }, text: { field: "sub" } },
          transform: [{ calculate: "datum.y + 5", as: "y" }],
        },
        {
          data: { values: arrows },
          mark: { type: "rule", strokeWidth: 1.5, color: "#555" },
          encoding: { x: { field: "x", ...xs }, x2: { field: "x2" }, y: { field: "y", ...ys } },
        },
        {
          data: { values: arrows },
          mark: { type: "text", fontSize: 9, color: "#555", align: "right" },
          encoding: { x: { field: "x2", ...xs }, y: { field: "y", ...ys }, text: { field: "label" } },
        },
        {
          data: { values: rowLabels },
          mark: { type: "text", align: "left", fontSize: 12, fontStyle: "italic" },
          encoding: { x: { datum: 0, ...xs }, y: { field: "y", ...ys }, text: { field: "label" } },
        },
      ],
    },
    notes: [],
  };
}
