/**
 * The `deno task …` commands README.md shows, for tests/readme_commands_test.ts: found in
 * indented or fenced code blocks (one per line, `\` continuations joined, `# comments`
 * dropped), in table cells and in prose (inline code spans, which may wrap), with the
 * README line they start on; and the synopsis notation they use (`[optional]`,
 * `a|b`, `( x | y )`, `X...`, `…`) expanded into concrete commands.
 *
 * @module
 */

/** Where a command was shown: code blocks and tables show commands to run; prose names them. */
export type ReadmePlace = "code" | "table" | "prose";

/** One `deno task …` command as README.md shows it. */
export interface ReadmeCommand {
  /** The command text, whitespace collapsed (`\|` of tables unescaped). */
  text: string;
  place: ReadmePlace;
  /** 1-based line of README.md where it starts. */
  line: number;
  /** For code blocks: the block's other lines (shell commands that use what the deno ones wrote). */
  context: string[];
}

const TASK = /^deno task\s/;

function spans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\s+/g, " ").trim());
}

/** Every `deno task …` command of a README text, in order. */
export function readmeCommands(readme: string): ReadmeCommand[] {
  const lines = readme.split(/\r?\n/);
  const out: ReadmeCommand[] = [];
  let i = 0;
  const codeBlock = (body: string[], first: number) => {
    const joined: Array<{ text: string; line: number }> = [];
    for (let k = 0; k < body.length; k++) {
      const start = k;
      let text = body[k];
      while (text.endsWith("\\") && k + 1 < body.length) text = text.slice(0, -1) + " " + body[++k].trim();
      joined.push({ text: text.replace(/\s+#.*$/, "").replace(/\s+/g, " ").trim(), line: first + start });
    }
    const context = joined.filter((j) => !TASK.test(j.text)).map((j) => j.text);
    for (const j of joined) {
      if (TASK.test(j.text)) out.push({ text: j.text, place: "code", line: j.line, context });
    }
  };
  while (i < lines.length) {
    const l = lines[i];
    if (l.trim() === "") {
      i++;
      continue;
    }
    const fence = l.match(/^\s*(```+|~~~+)/);
    if (fence) {
      const end = lines.findIndex((x, k) => k > i && x.trim().startsWith(fence[1]));
      const stop = end < 0 ? lines.length : end;
      codeBlock(lines.slice(i + 1, stop).map((x) => x.trim()), i + 2);
      i = stop + 1;
      continue;
    }
    // A block: lines up to the next blank line.
    let j = i;
    while (j < lines.length && lines[j].trim() !== "") j++;
    const block = lines.slice(i, j);
    if (block.every((x) => x.startsWith("    "))) {
      codeBlock(block.map((x) => x.slice(4)), i + 1);
    } else if (block.every((x) => x.trimStart().startsWith("|"))) {
      block.forEach((row, k) => {
        for (const s of spans(row.replace(/\\\|/g, "|"))) {
          if (TASK.test(s)) out.push({ text: s, place: "table", line: i + k + 1, context: [] });
        }
      });
    } else {
      // Prose: a span may wrap onto the next line; report the line it starts on.
      const text = block.join("\n");
      for (const m of text.matchAll(/`([^`]+)`/g)) {
        const s = m[1].replace(/\s+/g, " ").trim();
        if (!TASK.test(s)) continue;
        const line = i + 1 + (text.slice(0, m.index).match(/\n/g) ?? []).length;
        out.push({ text: s, place: "prose", line, context: [] });
      }
    }
    i = j;
  }
  return out;
}

/** A parsed synopsis: sequences of words, optional groups and alternatives. */
type Node =
  | { kind: "word"; alts: string[]; id: number }
  | { kind: "opt"; body: Node; id: number }
  | { kind: "alt"; options: Node[]; id: number }
  | { kind: "seq"; items: Node[] };

/** Splits a synopsis into `[`, `]`, `(`, `)`, a spaced `|` and words (a word may hold `a|b`). */
function tokens(text: string): string[] {
  const out: string[] = [];
  for (const chunk of text.split(/\s+/).filter(Boolean)) {
    if (chunk === "|") {
      out.push("|");
      continue;
    }
    for (const m of chunk.matchAll(/[[\]()]|[^[\]()]+/g)) out.push(m[0]);
  }
  return out;
}

/** Drops the notation's "and so on": a trailing `...`, an alternative `…`, a trailing `,…`. */
function wordAlts(word: string): string[] {
  return word.replace(/\.\.\.$/, "").split("|").map((a) => a.replace(/,…$/, "")).filter((a) =>
    a !== "…" && a !== ""
  );
}

/** Parses a synopsis into a tree; throws on unbalanced brackets. */
function parse(text: string): Node {
  const toks = tokens(text);
  let pos = 0;
  let ids = 0;
  const group = (close?: string): Node => {
    const options: Node[] = [];
    let items: Node[] = [];
    while (pos < toks.length) {
      const t = toks[pos++];
      if (t === close) {
        options.push({ kind: "seq", items });
        return options.length === 1 ? options[0] : { kind: "alt", options, id: ids++ };
      }
      if (t === "]" || t === ")") throw new Error(`unbalanced "${t}" in: ${text}`);
      if (t === "|") {
        options.push({ kind: "seq", items });
        items = [];
      } else if (t === "[") {
        items.push({ kind: "opt", body: group("]"), id: ids++ });
      } else if (t === "(") items.push(group(")"));
      else {
        const alts = wordAlts(t);
        if (alts.length) items.push({ kind: "word", alts, id: ids++ });
      }
    }
    if (close) throw new Error(`missing "${close}" in: ${text}`);
    options.push({ kind: "seq", items });
    return options.length === 1 ? options[0] : { kind: "alt", options, id: ids++ };
  };
  return group();
}

/** Every choice point of a tree: optional groups and alternatives with their option counts. */
function choicePoints(
  n: Node,
  into: Array<{ id: number; n: number }> = [],
): Array<{ id: number; n: number }> {
  if (n.kind === "word") {
    if (n.alts.length > 1) into.push({ id: n.id, n: n.alts.length });
  } else if (n.kind === "opt") choicePoints(n.body, into);
  else if (n.kind === "alt") {
    into.push({ id: n.id, n: n.options.length });
    for (const o of n.options) choicePoints(o, into);
  } else for (const i of n.items) choicePoints(i, into);
  return into;
}

function render(n: Node, withOptional: boolean, pick: Map<number, number>): string[] {
  if (n.kind === "word") return [n.alts[pick.get(n.id) ?? 0]];
  if (n.kind === "opt") return withOptional ? render(n.body, withOptional, pick) : [];
  if (n.kind === "alt") return render(n.options[pick.get(n.id) ?? 0], withOptional, pick);
  return n.items.flatMap((i) => render(i, withOptional, pick));
}

/**
 * The concrete commands a synopsis stands for, as argument lists after `deno task`: every
 * optional part with the first alternative everywhere; each other alternative once (the
 * rest as before); and the form without any optional part. `deno task data list | info
 * NAME` alternates what follows the task name.
 */
export function expandSynopsis(text: string): string[][] {
  const m = text.match(/^deno task (\S+)\s*(.*)$/);
  if (!m) throw new Error(`not a deno task command: ${text}`);
  const [, task, rest] = m;
  const tree = parse(rest);
  const variants: string[][] = [render(tree, true, new Map())];
  for (const p of choicePoints(tree)) {
    for (let k = 1; k < p.n; k++) variants.push(render(tree, true, new Map([[p.id, k]])));
  }
  variants.push(render(tree, false, new Map()));
  const seen = new Set<string>();
  return variants.map((v) => [task, ...v]).filter((v) => {
    const key = JSON.stringify(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
