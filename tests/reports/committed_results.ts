/**
 * TEST HELPER: the committed results folders (`results/NAME/` holding a manifest.json and
 * cells/), which the tests keep valid.
 *
 * @module
 */

/** Where committed results live. */
export const RESULTS = new URL("../../results/", import.meta.url).pathname;

/** Every committed results folder (one with a manifest.json and cells/). */
export function committedResults(): string[] {
  const out: string[] = [];
  try {
    for (const e of Deno.readDirSync(RESULTS)) {
      if (!e.isDirectory) continue;
      try {
        Deno.statSync(`${RESULTS}${e.name}/manifest.json`);
        Deno.statSync(`${RESULTS}${e.name}/cells`);
        out.push(`${RESULTS}${e.name}`);
      } catch {
        // not a results folder
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}
