/**
 * What tables T1/T2 and figure F2 need from the method registry, as a small interface the
 * registry's metadata is mapped to (reports never load the training code). A loss is
 * described as the losses room's `LossInfo` is: name, plain-text equation, LaTeX, prose.
 *
 * @module
 */

/** One loss's formula (the same fields as methods/losses' LossInfo). */
export interface LossMeta {
  name: string;
  /** Plain-text (Unicode) equation. */
  equation: string;
  /** The same equation in LaTeX. */
  latex: string;
  /** One or two sentences on what it does. */
  text: string;
  /**
   * The regulariser part of the equation (plain text), highlighted in T2. When absent,
   * the terms of `equation` that mention β or Ω are highlighted.
   */
  regulariser?: string;
}

/** One method of the registry, as the reports see it. */
export interface MethodMeta {
  /** Registry name, e.g. "simclr". */
  name: string;
  /** Display name, e.g. "SimCLR". */
  label?: string;
  /** Baseline loss (paper Table 1). */
  baseline: LossMeta;
  /** AMCL loss (paper Table 2, Eqs. 2.1–2.4). */
  amcl: LossMeta;
}

function balance(term: string): string {
  let t = term;
  const opens = () => (t.match(/[([{]/g) ?? []).length;
  const closes = () => (t.match(/[)\]}]/g) ?? []).length;
  while (closes() > opens() && /[)\]}]$/.test(t)) t = t.slice(0, -1).trimEnd();
  while (opens() > closes() && /^[([{]/.test(t)) t = t.slice(1).trimStart();
  return t;
}

/** The equation up to its first top-level ", " (what follows are definitions: "S = …, Ω(τ) = …"). */
function mainPart(eq: string): string {
  let depth = 0;
  for (let i = 0; i < eq.length; i++) {
    const ch = eq[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    else if (ch === "," && depth === 0) return eq.slice(0, i);
  }
  return eq;
}

/**
 * The regulariser terms of an equation: `regulariser` when given, else the top-level
 * `+`/`−` terms of the equation that mention β or Ω.
 */
export function regulariserTerms(loss: LossMeta): string[] {
  if (loss.regulariser) return [loss.regulariser];
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  const eq = mainPart(loss.equation);
  for (let i = 0; i <= eq.length; i++) {
    const ch = eq[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    const cut = i === eq.length ||
      (depth <= 1 && (ch === "+" || ch === "−" || (ch === "-" && eq[i + 1] === " ")) && eq[i - 1] === " ");
    if (cut) {
      const term = balance(eq.slice(start, i).trim());
      if (term && /[βΩ]/.test(term) && !terms.includes(term)) terms.push(term);
      start = i;
    }
  }
  return terms;
}

/** The fields of the losses room's `LossInfo` that reports use (structural, no import). */
export interface LossInfoLike {
  /** Registry name of the loss. */
  name: string;
  /** Human title. */
  title: string;
  kind: "baseline" | "amcl";
  /** Where the spec defines it (e.g. "amcl.md §5, paper Eq. 2.1"). */
  equation: string;
  latex: string;
  /** The formula in plain text. */
  text: string;
}

/** The fields of a method registry row (`listMethods()` in methods/registry.ts) that reports use. */
export interface MethodEntryLike {
  /** Registry method name, e.g. "simclr". */
  method: string;
  variant: string;
  /** Display name, e.g. "SimCLR". */
  title: string;
  /** The variant's loss with its formula. */
  loss: LossInfoLike;
}

/**
 * Maps the method registry's rows (method × variant, from `listMethods()`) to one
 * {@link MethodMeta} per method, in registry order: the baseline row's loss goes to T1, the
 * AMCL row's to T2. The plain formula becomes `equation`; the spec reference and the loss's
 * registry name the description. A method without both variants is left out.
 */
export function methodMetaFromRegistry(rows: readonly MethodEntryLike[]): MethodMeta[] {
  const toMeta = (i: LossInfoLike): LossMeta => ({
    name: i.title,
    equation: i.text,
    latex: i.latex,
    text: `${i.equation}; loss "${i.name}"`,
  });
  const out: MethodMeta[] = [];
  for (const method of [...new Set(rows.map((r) => r.method))]) {
    const b = rows.find((r) => r.method === method && r.variant === "baseline");
    const a = rows.find((r) => r.method === method && r.variant === "amcl");
    if (b && a) out.push({ name: method, label: b.title, baseline: toMeta(b.loss), amcl: toMeta(a.loss) });
  }
  return out;
}
