import assert from "node:assert/strict";
import { parse } from "yaml";
import { toYaml } from "../../benchmarks/yaml.ts";

Deno.test("yaml: strings that YAML 1.1 (Kubernetes) reads as booleans, numbers or times stay strings", () => {
  const doc = {
    a: "yes",
    b: "no",
    c: "on",
    d: "off",
    e: "y",
    n: "N",
    f: "0644",
    g: "12:00:00",
    h: "1",
    i: "~",
  };
  const text = toYaml(doc);
  for (const v of Object.values(doc)) assert.ok(text.includes(`"${v}"`), `${v} is quoted in:\n${text}`);
  assert.deepEqual(parse(text, { version: "1.1" }), doc);
  assert.deepEqual(parse(text), doc);
});
