/** Workers × threads of a sweep (benchmarks/parallelism.ts): fills the cores, never oversubscribes. */
import assert from "node:assert/strict";
import { planParallelism } from "../../benchmarks/parallelism.ts";

Deno.test("native sweeps fill the cores without oversubscription; a given flag is kept", () => {
  const p = (o: Partial<Parameters<typeof planParallelism>[0]>) =>
    planParallelism({ backend: "native", cores: 8, cells: 20, defaultWorkers: 8, ...o });
  assert.deepEqual(p({}), { workers: 8, threads: 1 });
  assert.deepEqual(p({ cells: 3 }), { workers: 3, threads: 2 }, "few cells: spare cores become threads");
  assert.deepEqual(p({ cells: 1 }), { workers: 1, threads: 8 });
  assert.deepEqual(p({ workers: 2 }), { workers: 2, threads: 4 });
  assert.deepEqual(p({ workers: 3 }), { workers: 3, threads: 2 });
  assert.deepEqual(p({ threads: 4 }), { workers: 2, threads: 4 });
  assert.deepEqual(p({ threads: 16 }), { workers: 1, threads: 16 });
  assert.deepEqual(p({ workers: 4, threads: 4 }), { workers: 4, threads: 4 }, "both given: as given");
  for (const cells of [1, 2, 5, 9]) {
    for (const workers of [undefined, 1, 3, 8]) {
      const r = p({ cells, workers });
      assert.ok(r.workers * r.threads <= 8, `${cells} cells, --workers ${workers}: ${JSON.stringify(r)}`);
    }
  }
});

Deno.test("other backends: one thread per worker, the backend's default worker count", () => {
  assert.deepEqual(planParallelism({ backend: "wasm", cores: 8, cells: 3, defaultWorkers: 8 }), {
    workers: 8,
    threads: 1,
  });
  assert.deepEqual(
    planParallelism({ backend: "webgpu", cores: 8, cells: 3, defaultWorkers: 1, threads: 4 }),
    {
      workers: 1,
      threads: 1,
    },
  );
});
