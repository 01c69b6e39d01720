/**
 * @pulumi/pulumi takes a stack trace on every promise it creates for a resource, an invoke or an output
 * (runtime/debuggable.js, debuggablePromise: `_debugStackTrace` is `new Error().stack`, lines 248-253 of 3.276.0)
 * and reads it in one place only: promiseDebugString (lines 237-238, a template literal), which the leak report
 * prints at exit for each promise still pending, with PULUMI_DEBUG_PROMISE_LEAKS set (lines 224-229). Formatting
 * those traces, frame by frame, is about a fifth of a program run's CPU (under jest, whose hook maps every frame
 * through source maps, a third), for text nobody reads.
 *
 * While a run lasts, the realm's Error.prepareStackTrace formats those captures when first read, as a string,
 * with the hook that was in place before; every other error's stack is formatted at once by that same hook, as
 * before the run (under jest: failed tests' traces still mapped). `pulumi up` is not concerned: there the Pulumi
 * language host runs the program, not this engine.
 */

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

const DEBUGGABLE = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/;

/**
 * Whether the trace being formatted is the one debuggablePromise captures: a bare `new Error()` whose top frame is
 * that function (an error thrown inside it has a message, and keeps its stack as it is).
 */
function isPromiseCapture(error: Error, frames: NodeJS.CallSite[]): boolean {
  const top = frames[0];
  return (
    error.constructor === Error &&
    error.message === "" &&
    top?.getFunctionName() === "debuggablePromise" &&
    DEBUGGABLE.test(top.getFileName() ?? "")
  );
}

/** A stack trace formatted when it is first turned into a string (the only way the SDK reads it). */
class LazyTrace {
  private text?: string;

  constructor(
    private readonly format: PrepareStackTrace,
    private readonly error: Error,
    private readonly frames: NodeJS.CallSite[],
  ) {}

  toString(): string {
    return (this.text ??= String(this.format(this.error, this.frames)));
  }
}

/** Formats debuggablePromise's captures on first read, every other trace at once, both with `previous`. */
function lazyHook(previous: PrepareStackTrace): PrepareStackTrace {
  return (error, frames) =>
    isPromiseCapture(error, frames) ? new LazyTrace(previous, error, frames) : previous(error, frames);
}

/** The hook of the runs under way (they may overlap) and the one it replaced. */
let active: { hook: PrepareStackTrace; previous: PrepareStackTrace; runs: number } | undefined;

/** Runs `run` with debuggablePromise's traces formatted on first read; the previous hook is back afterwards. */
export async function withLazyPromiseTraces<T>(run: () => Promise<T>): Promise<T> {
  const previous = Error.prepareStackTrace as PrepareStackTrace | undefined;
  // Node defines a hook (its own formatting) in every realm; without one there is nothing to defer to.
  if (!active && !previous) return run();
  if (!active) {
    active = { hook: lazyHook(previous!), previous: previous!, runs: 0 };
    Error.prepareStackTrace = active.hook;
  }
  const own = active;
  own.runs++;
  try {
    return await run();
  } finally {
    if (--own.runs === 0) {
      if (Error.prepareStackTrace === own.hook) Error.prepareStackTrace = own.previous;
      active = undefined;
    }
  }
}
