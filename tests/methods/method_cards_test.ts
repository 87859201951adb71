import assert from "node:assert/strict";
import { METHOD_CARDS, methodCardRows } from "../../methods/method_cards.ts";
import { listMethods, METHODS } from "../../methods/registry.ts";

Deno.test("the method cards list the registry's methods, in its order", () => {
  assert.deepEqual(METHOD_CARDS.map((c) => c.name), METHODS.map((m) => m.name));
  assert.equal(METHOD_CARDS.length, 6);
});

Deno.test("the method cards' rows are the registry's rows as tables T1/T2 read them", () => {
  const fromRegistry = listMethods().map(({ method, variant, title, loss }) => ({
    method,
    variant,
    title,
    loss,
  }));
  assert.equal(fromRegistry.length, 12);
  assert.deepEqual(methodCardRows(), fromRegistry);
});
