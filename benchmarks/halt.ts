/**
 * A test hook: stop a cell dead at a chosen point of its run, so that a test can kill the
 * process exactly there instead of guessing the moment with a sleep. With
 * `AMCL_HALT_AT=POINT` in the environment, each cell that reaches POINT writes one line on
 * stderr, `halted at POINT in cell ID`, then blocks its thread until the process is killed.
 * Unset (the normal case) it does nothing.
 *
 * Points of the real executor (`benchmarks/run_cell.ts`):
 * - `step:E:S`: after step S of epoch E (both 1-based); mid-epoch when S is not the
 *   epoch's last step, so the cell folder holds the checkpoint of epoch E − 1;
 * - `trained`: training has returned, the last epoch's checkpoint is written, evaluation
 *   has not started;
 * - `eval`: during evaluation, after the final kNN and before the linear probe.
 *
 * @module
 */

/** The environment variable naming the point to halt at. */
export const HALT_ENV = "AMCL_HALT_AT";

/**
 * The halt function of one cell: `halt(point)` blocks forever when `point` is the one
 * {@link HALT_ENV} names (read once, here), and is a no-op otherwise.
 */
export function haltAt(cellId: string): (point: string) => void {
  const env = Deno.permissions.querySync({ name: "env", variable: HALT_ENV }).state === "granted"
    ? Deno.env.get(HALT_ENV)
    : undefined;
  if (!env) return () => {};
  return (point) => {
    if (point !== env) return;
    const line = new TextEncoder().encode(`halted at ${point} in cell ${cellId} (${HALT_ENV})\n`);
    for (let off = 0; off < line.length;) off += Deno.stderr.writeSync(line.subarray(off));
    // Blocks this thread (a Web Worker's, or the process's) until the process is killed.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  };
}
