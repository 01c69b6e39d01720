/**
 * Two stack traces @pulumi/pulumi (3.276.0) takes that nothing reads in an offline run:
 *   - on every promise it creates for a resource, an invoke or an output (runtime/debuggable.js, debuggablePromise,
 *     line 253: `_debugStackTrace` is `new Error().stack`), read in one place only: the leak report at exit, which
 *     prints it only when PULUMI_DEBUG_PROMISE_LEAKS is set (lines 224-229, `debugPromiseLeaks`, read once when the
 *     module loads);
 *   - on every resource it constructs, whole and parsed frame by frame (resource.js, `Resource.callsites`, called
 *     through `Resource.stackTrace` by the Resource constructor, line 284), for the source position and frames of
 *     the RegisterResource request, which the mock monitor does not read (runtime/mocks.js `registerResource` hands
 *     the mocks type, name, inputs, provider, custom and import id). Under jest, which maps every frame through
 *     source maps, it was about 40 % of a program run's CPU.
 *
 * While a run lasts, debuggablePromise takes its trace with no frames unless the leak report would print it (the
 * SDK calls it through its module's exports, `debuggable_1.debuggablePromise(...)`, in resource.js, rpc.js,
 * invoke.js, settings.js and callbacks.js, and nothing else is created in it), and `Resource.callsites` answers no
 * frames. Every other error keeps its whole stack. `pulumi up` is not concerned: there the Pulumi language host runs
 * the program, not this engine, and its engine reads the source positions.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- internal members, untyped: see above */
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  readonly debugPromiseLeaks: boolean;
  debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
};
const { Resource } = require("@pulumi/pulumi/resource") as { Resource: { callsites(): object[] } };
/* eslint-enable @typescript-eslint/no-require-imports */

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

const noCallsites = (): object[] => [];

/** What the runs under way (they may overlap) replaced, and how many they are. */
let active:
  { promises: DebuggablePromise; wrapper?: DebuggablePromise; callsites: () => object[]; runs: number } | undefined;

/** Runs `run` without the traces nothing reads: see above. */
export async function withoutUnreadTraces<T>(run: () => Promise<T>): Promise<T> {
  if (!active) {
    active = { promises: debuggable.debuggablePromise, callsites: Resource.callsites, runs: 0 };
    if (!debuggable.debugPromiseLeaks) debuggable.debuggablePromise = active.wrapper = withoutFrames(active.promises);
    Resource.callsites = noCallsites;
  }
  const own = active;
  own.runs++;
  try {
    return await run();
  } finally {
    if (--own.runs === 0) {
      if (own.wrapper && debuggable.debuggablePromise === own.wrapper) debuggable.debuggablePromise = own.promises;
      if (Resource.callsites === noCallsites) Resource.callsites = own.callsites;
      active = undefined;
    }
  }
}
