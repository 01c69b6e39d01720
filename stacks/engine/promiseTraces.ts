/**
 * @pulumi/pulumi takes a stack trace on every promise it creates for a resource, an invoke or an output
 * (runtime/debuggable.js of 3.276.0, debuggablePromise, line 253: `_debugStackTrace` is `new Error().stack`), and
 * reads it in one place only: the leak report at exit, which prints it only when PULUMI_DEBUG_PROMISE_LEAKS is set
 * (lines 224-229, `debugPromiseLeaks`, read once when the module loads). Taking and formatting those traces is
 * about a third of a program run's CPU, for text nobody reads.
 *
 * While a run lasts, and unless that variable is set, debuggablePromise takes its trace with no frames: the SDK
 * calls it through its module's exports (`debuggable_1.debuggablePromise(...)` in resource.js, rpc.js, invoke.js,
 * settings.js, callbacks.js), and nothing else is created in it. Every other error keeps its whole stack.
 * `pulumi up` is not concerned: there the Pulumi language host runs the program, not this engine.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal module, untyped: see above
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  readonly debugPromiseLeaks: boolean;
  debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
};

type DebuggablePromise = typeof debuggable.debuggablePromise;

/** debuggablePromise with no frames in its trace. */
const withoutFrames =
  (original: DebuggablePromise): DebuggablePromise =>
  (p, ctx) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(p, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };

/** The wrapper of the runs under way (they may overlap) and the function it replaced. */
let active: { wrapper: DebuggablePromise; original: DebuggablePromise; runs: number } | undefined;

/** Runs `run` with debuggablePromise's traces left empty, unless the leak report would print them. */
export async function withoutPromiseTraces<T>(run: () => Promise<T>): Promise<T> {
  if (debuggable.debugPromiseLeaks) return run();
  if (!active) {
    const original = debuggable.debuggablePromise;
    active = { wrapper: withoutFrames(original), original, runs: 0 };
    debuggable.debuggablePromise = active.wrapper;
  }
  const own = active;
  own.runs++;
  try {
    return await run();
  } finally {
    if (--own.runs === 0) {
      if (debuggable.debuggablePromise === own.wrapper) debuggable.debuggablePromise = own.original;
      active = undefined;
    }
  }
}
