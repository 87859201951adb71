import assert from "node:assert/strict";
import { catalogueRows, METHOD_CARDS } from "../../methods/catalogue.ts";
import { listMethods, METHODS } from "../../methods/registry.ts";

Deno.test("the method catalogue lists the registry's methods, in its order", () => {
  assert.deepEqual(METHOD_CARDS.map((c) => c.name), METHODS.map((m) => m.name));
  assert.equal(METHOD_CARDS.length, 6);
});

Deno.test("the catalogue's rows are the registry's rows as tables T1/T2 read them", () => {
  const fromRegistry = listMethods().map(({ method, variant, title, loss }) => ({
    method,
    variant,
    title,
    loss,
  }));
  assert.equal(fromRegistry.length, 12);
  assert.deepEqual(catalogueRows(), fromRegistry);
});
