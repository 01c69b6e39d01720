/** Errors the command-line tools report as one message, without a stack trace (exit code 2). */
import * as fs from "fs";

/** A mistake the user can fix: a flag, a file, an out directory, a setting the offline tools cannot honour. */
export class UsageError extends Error {}

/** Thrown by `--help`: the command prints its usage and exits 0. */
export class HelpRequested extends Error {}

/** A file a user named, read whole; a missing or unreadable one becomes `toError("<file>: <why>")`, one line. */
export function readUserFile(file: string, toError: (message: string) => Error): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw toError(`${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
}
