/** Errors the command-line tools report as one message, without a stack trace (exit code 2). */

/** A mistake the user can fix: a flag, a file, an out directory, a setting the offline tools cannot honour. */
export class UsageError extends Error {}

/** Thrown by `--help`: the command prints its usage and exits 0. */
export class HelpRequested extends Error {}
