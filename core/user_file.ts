/**
 * Writing a file at a path the user named (`--out FILE`): its folder is made first, and a
 * path that cannot hold a file (a file where a folder is named, a folder named as the file)
 * is one line naming the flag and the path, not a stack trace.
 *
 * @module
 */
import { dirname } from "node:path";
import { UserError } from "./errors.ts";

const PATH_ERRORS = ["AlreadyExists", "NotADirectory", "IsADirectory", "NotFound"];

/** Writes `data` (bytes or text) to `path`, given by the user as `flag`; makes its folder first. */
export async function writeUserFile(flag: string, path: string, data: Uint8Array | string): Promise<void> {
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    if (typeof data === "string") await Deno.writeTextFile(path, data);
    else await Deno.writeFile(path, data);
  } catch (e) {
    if (e instanceof Error && PATH_ERRORS.includes(e.name)) {
      throw new UserError(
        `${flag} ${path}: cannot write a file there (${e.message}); name a file in a folder`,
      );
    }
    throw e;
  }
}
