/**
 * The README cannot drift: every `deno task …` command README.md shows is run here, through
 * `deno task` itself (the tasks' own permissions), from the repository root.
 *
 * - Commands in code blocks and tables are run as written, after the placeholders are
 *   replaced ({@link SUBSTITUTIONS}) and, where a command is long, with cheap settings
 *   ({@link RULES}: the smoke preset, a temporary `--out` outside the checkout, `--tiny`
 *   perf rows); what cannot run here (downloads, paper-scale training, the test suite
 *   itself) is run with `--help`, which still rejects an unknown flag.
 * - Commands named in prose (synopses such as `deno task bench [--preset NAME|FILE.json]
 *   …`) are run with `--help`: the task, its subcommand and every flag must be accepted
 *   (one `--help` per task or subcommand, with the flags of every variant; a prose mention
 *   of a command a code block or table runs is covered by that run).
 * - Synopsis notation is expanded: all optional parts, each alternative once, and the
 *   form without optional parts.
 *
 * A README command whose task has no rule, a placeholder without a substitution, a task
 * missing from deno.json, a flag the CLI rejects or a non-zero exit fails the test.
 */
import assert from "node:assert/strict";
import { expandSynopsis, type ReadmeCommand, readmeCommands } from "./readme_commands.ts";

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const README = await Deno.readTextFile(`${ROOT}/README.md`);
const TASKS = Object.keys(JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).tasks ?? {});

/**
 * The README's placeholders and what each stands for here, replaced in order wherever the
 * text stands as a whole word of the command. `{run}` is the smoke run made from
 * `deno task bench`, `{tmp}` a temporary folder outside the checkout.
 */
const SUBSTITUTIONS: ReadonlyArray<readonly [string, string]> = [
  ["--preset NAME", "--preset smoke"],
  ["FILE.json", "{tmp}/preset.json"],
  ["--in OUT", "--in {run}"],
  ["--against OTHER", "--against {run}"],
  ["merge OUT", "merge {run}"],
  ["OUT2", "{run}"],
  ["--out DIR", "--out {tmp}/out"],
  ["--out FILE.png", "--out {tmp}/preview.png"],
  ["--out FILE", "--out {tmp}/perf.json"],
  ["--checkpoint DIR", "--checkpoint {run}/cells/checkpoint"],
  ["vectors DIR", "vectors ../shared/vectors"],
  ["data:fetch NAME", "data:fetch cifar10"],
  ["NAME", "embedded"],
  ["--workers N", "--workers 1"],
  ["--threads N", "--threads 1"],
  ["--set key=value", "--set epochs=1"],
  ["--shard i/n", "--shard 0/1"],
  ["--rows ID", "--rows augment-abcde-256"],
  ["/shared/runs/t3", "{tmp}/shared/runs/t3"],
  ["runs/t3", "{tmp}/runs/t3"],
  ["REG/amcl-bench:TAG", "registry.invalid/amcl-bench:readme"],
];

/** A word left after the substitutions that reads as a placeholder (NAME, OUT, FILE.png, key=value, i/n). */
const PLACEHOLDER = /(?<![\w./-])(?:[A-Z][A-Z0-9_]*(?:\.\w+)?|key=value|i\/n)(?![\w-])/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The text with every substitution applied; also reports which substitutions it used. */
function substitute(text: string, used?: Set<string>): string {
  let out = text;
  for (const [from, to] of SUBSTITUTIONS) {
    const re = new RegExp(`(?<=^|[\\s\\[(|=])${escapeRegExp(from)}(?=$|[\\s\\])|/,]|\\.\\.\\.|…)`, "g");
    if (re.test(out)) used?.add(from);
    out = out.replace(re, to);
  }
  return out;
}

/** How one concrete README command is checked. */
type Plan =
  | { how: "run"; args: string[] }
  | { how: "help"; args: string[]; why: string };

/** A task's rule: how a concrete command (arguments after `deno task`) is checked. */
interface Rule {
  plan(args: string[]): Plan;
  /** The task has subcommands: `--help` must name the one the README shows. */
  subcommands?: boolean;
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const run = (args: string[]): Plan => ({ how: "run", args });
const help = (args: string[], why: string): Plan => ({ how: "help", args, why });

/** What each task's commands cost here, and the cheap form they run in. */
const RULES: Record<string, Rule> = {
  bench: {
    plan(a) {
      if (a.includes("--list") || a.includes("--emit")) return run(a);
      if (flag(a, "--scale") === "paper") return help(a, "paper scale trains on official CIFAR-10 for hours");
      const preset = flag(a, "--preset");
      if (preset !== undefined && preset !== "smoke") return help(a, `preset ${preset} trains for minutes`);
      return run([
        ...a,
        ...(preset ? [] : ["--preset", "smoke"]),
        ...(flag(a, "--out") ? [] : ["--out", "{run}"]),
      ]);
    },
  },
  report: {
    plan: (a) =>
      flag(a, "--in") === "{run}"
        ? run(a)
        : help(a, "a sweep emitted for a cluster, whose shards write the cells there"),
  },
  compare: { plan: run },
  merge: { plan: run },
  data: {
    subcommands: true,
    plan(a) {
      const [, sub, name] = a;
      const named = name !== undefined && !name.startsWith("-");
      if (sub === "list" || ((sub === "info" || sub === "verify") && named)) return run(a);
      if (sub === "preview" && named && flag(a, "--out")) return run(a);
      if (sub === "fetch") return help(a, "downloads from the dataset hosts (no network here)");
      return help(a, "the subcommand alone (its arguments are shown under Datasets)");
    },
  },
  "data:fetch": { plan: (a) => help(a, "downloads from the dataset hosts (no network here)") },
  eval: {
    subcommands: true,
    plan: (a) => help(a, "the README shows the protocols, not a full evaluation"),
  },
  vectors: { plan: run },
  perf: {
    plan(a) {
      if (a.includes("--list")) return run(a);
      const cheap: Array<[string, string?]> = [
        ["--tiny"],
        ["--rows", "augment-abcde-256"],
        ["--steps", "1"],
        ["--heavy-steps", "1"],
        ["--no-peer"],
      ];
      const extra = cheap.filter(([f]) => !a.includes(f)).flatMap(([f, v]) => (v ? [f, v] : [f]));
      return run([...a, ...extra]);
    },
  },
  doctor: { plan: run },
  check: { plan: run },
  test: { plan: (a) => help(a, "the suite this test belongs to; .ci/run runs it as written") },
};

/** One check: a command run once however many README places show it, or one `--help` per (sub)command. */
interface Check {
  /** Arguments after `deno task` (without `--help`), with `{tmp}`/`{run}` still symbolic. */
  args: string[];
  how: "run" | "help";
  /** Why a command is checked through `--help`. */
  why: string[];
  /** The subcommand `--help` must name. */
  subcommand?: string;
  from: string[];
}

let TMP = "";
function expandPaths(s: string): string {
  return s.replaceAll("{run}", `${TMP}/run`).replaceAll("{tmp}", TMP);
}

/** `args` plus the flags of `more` (with their values) that `args` lacks. */
function withFlagsOf(args: string[], more: readonly string[]): string[] {
  const out = [...args];
  for (let i = 0; i < more.length; i++) {
    const f = more[i];
    if (!f.startsWith("-")) continue;
    const value = more[i + 1] !== undefined && !more[i + 1].startsWith("-") ? [more[++i]] : [];
    if (!out.includes(f)) out.push(f, ...value);
  }
  return out;
}

/** Everything the README's commands ask for, planned without running anything. */
interface Planned {
  checks: Check[];
  /** Paths under `{tmp}` that code blocks' shell lines use (files the deno commands before them write). */
  mustExist: Array<{ path: string; from: string }>;
  problems: string[];
  used: Set<string>;
}

/** Plans every README command. */
function planAll(commands: readonly ReadmeCommand[]): Planned {
  const problems: string[] = [];
  const used = new Set<string>();
  const byKey = new Map<string, Check>();
  const mustExist: Planned["mustExist"] = [];
  // Code blocks and tables first: a prose mention of a command they run is checked by that run.
  const ordered = [
    ...commands.filter((c) => c.place !== "prose"),
    ...commands.filter((c) => c.place === "prose"),
  ];
  for (const c of ordered) {
    const where = `README.md:${c.line} \`${c.text}\``;
    const text = substitute(c.text, used);
    const left = text.match(PLACEHOLDER);
    if (left) {
      problems.push(`${where}: placeholder ${left[0]} has no substitution (SUBSTITUTIONS in this file)`);
      continue;
    }
    let variants: string[][];
    try {
      variants = expandSynopsis(text);
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
      continue;
    }
    for (const l of c.context) {
      for (const path of substitute(l, used).match(/\{tmp\}[^\s)'"]*/g) ?? []) {
        if (!mustExist.some((m) => m.path === path)) mustExist.push({ path, from: `${where}'s block: ${l}` });
      }
    }
    for (const [task, ...rest] of variants) {
      if (!TASKS.includes(task)) {
        problems.push(`${where}: task "${task}" is not in deno.json (tasks: ${TASKS.join(", ")})`);
        continue;
      }
      const rule = RULES[task];
      if (!rule) {
        problems.push(`${where}: no rule for task "${task}" (RULES in this file)`);
        continue;
      }
      const args = [task, ...rest];
      const ran = byKey.get(JSON.stringify(args));
      if (c.place === "prose" && ran?.how === "run") {
        if (!ran.from.includes(where)) ran.from.push(where);
        continue;
      }
      const plan = c.place === "prose" ? help(args, "named in prose") : rule.plan(args);
      const subcommand = rule.subcommands && rest[0] && !rest[0].startsWith("-") ? rest[0] : undefined;
      // --help checks the task, subcommand and flag names, not values: one run per (sub)command
      // with the flags of every variant.
      const key = plan.how === "help" ? `help ${task} ${subcommand ?? ""}` : JSON.stringify(plan.args);
      const old = byKey.get(key);
      const check: Check = old ?? { args: plan.args, how: plan.how, why: [], subcommand, from: [] };
      if (old && plan.how === "help") check.args = withFlagsOf(check.args, plan.args);
      if (plan.how === "help" && !check.why.includes(plan.why)) check.why.push(plan.why);
      if (!check.from.includes(where)) check.from.push(where);
      byKey.set(key, check);
    }
  }
  // The smoke run the other commands read comes first.
  const makesRun = (c: Check) => c.how === "run" && c.args[0] === "bench" && c.args.includes("{run}");
  const checks = [...byKey.values()].sort((a, b) => Number(makesRun(b)) - Number(makesRun(a)));
  return { checks, mustExist, problems, used };
}

Deno.test("readme_commands: synopsis notation expands to the commands it stands for", () => {
  assert.deepEqual(expandSynopsis("deno task doctor [--json]"), [["doctor", "--json"], ["doctor"]]);
  assert.deepEqual(expandSynopsis("deno task data list|info x"), [["data", "list", "x"], [
    "data",
    "info",
    "x",
  ]]);
  assert.deepEqual(expandSynopsis("deno task data list | info X [--json] | verify X"), [
    ["data", "list"],
    ["data", "info", "X", "--json"],
    ["data", "verify", "X"],
  ]);
  assert.deepEqual(expandSynopsis("deno task eval knn --d X (--f p | --c D) [--set k=v]..."), [
    ["eval", "knn", "--d", "X", "--f", "p", "--set", "k=v"],
    ["eval", "knn", "--d", "X", "--c", "D", "--set", "k=v"],
    ["eval", "knn", "--d", "X", "--f", "p"],
  ]);
  assert.deepEqual(expandSynopsis("deno task perf [--backend a|b|…] [--rows ID,…] OUT..."), [
    ["perf", "--backend", "a", "--rows", "ID", "OUT"],
    ["perf", "--backend", "b", "--rows", "ID", "OUT"],
    ["perf", "OUT"],
  ]);
  assert.throws(() => expandSynopsis("deno task x [--a"), /missing "\]"/);
});

Deno.test("readme_commands: README code blocks, tables (escaped pipes) and wrapped prose spans are found", () => {
  const cmds = readmeCommands([
    "Run:",
    "",
    "    deno task bench --out /x \\",
    "      --emit slurm   # emit",
    "    bash /x/submit.sh",
    "",
    "| command | what |",
    "| --- | --- |",
    "| `deno task data list\\|info` | `deno task merge OUT...` |",
    "",
    "Prose `deno task",
    "vectors` and `deno run x.ts`.",
    "",
    "```sh",
    "deno task check",
    "```",
  ].join("\n"));
  assert.deepEqual(cmds.map((c) => [c.place, c.line, c.text]), [
    ["code", 3, "deno task bench --out /x --emit slurm"],
    ["table", 9, "deno task data list|info"],
    ["table", 9, "deno task merge OUT..."],
    ["prose", 11, "deno task vectors"],
    ["code", 15, "deno task check"],
  ]);
  assert.deepEqual(cmds[0].context, ["bash /x/submit.sh"]);
});

Deno.test("readme_commands: an unknown task, a placeholder without a value and a broken synopsis are problems", () => {
  const { problems, checks } = planAll(readmeCommands([
    "| `deno task nosuch --x` | `deno task report --in SOMEWHERE` | `deno task doctor [--json` |",
    "",
    "    deno task bench --preset NAME",
  ].join("\n")));
  assert.equal(problems.length, 3, problems.join("\n"));
  assert.match(problems[0], /README\.md:1 .*task "nosuch" is not in deno\.json/);
  assert.match(problems[1], /placeholder SOMEWHERE has no substitution/);
  assert.match(problems[2], /missing "\]"/);
  assert.deepEqual(checks.map((c) => [c.how, c.args]), [["run", [
    "bench",
    "--preset",
    "smoke",
    "--out",
    "{run}",
  ]]]);
});

Deno.test("README: every deno task command has a task in deno.json, a rule and its placeholders' values", () => {
  const commands = readmeCommands(README);
  assert.ok(commands.some((c) => c.place === "code"), "README code blocks show deno task commands");
  assert.ok(commands.some((c) => c.place === "table"), "README tables show deno task commands");
  const { checks, problems, used } = planAll(commands);
  assert.deepEqual(problems, []);
  const unused = SUBSTITUTIONS.map(([from]) => from).filter((f) => !used.has(f));
  assert.deepEqual(unused, [], "substitutions no README command uses (remove them)");
  assert.ok(checks.some((c) => c.how === "run"), "some commands run for real");
});

Deno.test("README: every deno task command works as written (cheap settings where long)", async (t) => {
  const { checks, mustExist, problems } = planAll(readmeCommands(README));
  assert.deepEqual(problems, []);
  TMP = await Deno.makeTempDir({ prefix: "amcl-readme-" });
  assert.ok(!TMP.startsWith(ROOT + "/"), "the temporary folder is outside the checkout");
  const tail = (s: string) => s.trim().split("\n").slice(-6).join("\n");
  try {
    for (const c of checks) {
      const args = [...c.args, ...(c.how === "help" ? ["--help"] : [])];
      const name = `deno task ${args.join(" ")}${c.why.length ? ` (--help: ${c.why.join("; ")})` : ""}`;
      await t.step(name, async () => {
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["task", ...args.map(expandPaths)],
          cwd: ROOT,
          env: { NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
          signal: AbortSignal.timeout(300_000),
        }).output();
        const stdout = new TextDecoder().decode(out.stdout);
        const stderr = new TextDecoder().decode(out.stderr);
        assert.equal(
          out.code,
          0,
          `\`deno task ${args.map(expandPaths).join(" ")}\` exited ${out.code}; README shows it at ${
            c.from.join(", ")
          }\n${tail(stderr)}\n${tail(stdout)}`,
        );
        if (c.how === "help") {
          assert.match(stdout, /usage/i, `--help printed no usage:\n${tail(stdout)}`);
          if (c.subcommand !== undefined) {
            assert.match(
              stdout,
              new RegExp(`(?<![\\w-])${escapeRegExp(c.subcommand)}(?![\\w-])`),
              `--help does not name the subcommand ${c.subcommand} (${c.from.join(", ")})`,
            );
          }
        }
      });
    }
    await t.step(
      "the files code blocks' shell lines use were written by the deno commands before them",
      async () => {
        for (const m of mustExist) {
          const p = expandPaths(m.path);
          await Deno.stat(p).catch(() => assert.fail(`${m.from}: ${p} was not written`));
        }
      },
    );
  } finally {
    await Deno.remove(TMP, { recursive: true });
  }
});
