/**
 * A run under the mock engine leaves empty the stack trace @pulumi/pulumi takes on every promise, unless its leak
 * report would print it (stacks/engine/promiseTraces.ts); every other error keeps its whole stack.
 */
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";
import { runComponents } from "./components";

/** runtime/debuggable.js of @pulumi/pulumi (its declarations are stripped of these internal members). */
const sdk = debuggable as unknown as {
  debugPromiseLeaks: boolean;
  debuggablePromise<T>(p: Promise<T>, ctx: string): Promise<T>;
  promiseDebugString(p: Promise<unknown>): string;
};

const traceOf = (p: Promise<unknown>) => (p as unknown as { _debugStackTrace: string })._debugStackTrace;
/** An error's stack, created the same way wherever it is called from. */
const probe = () => new Error("probe").stack!;
const FRAME = /\n {4}at /;

/** Inside a program run: a promise made debuggable, and an ordinary error's stack. */
async function inRun() {
  const promise = Promise.resolve("done");
  let inside = "";
  await runComponents(() => {
    void sdk.debuggablePromise(promise, "probe");
    inside = probe();
  });
  return { trace: traceOf(promise), inside };
}

test("during a run debuggablePromise takes no frames; other errors keep theirs; the SDK's function is back after", async () => {
  const original = sdk.debuggablePromise;
  const { trace, inside } = await inRun();
  expect(trace).toMatch(/^Error:? ?$/);
  expect(inside).toMatch(FRAME);
  expect(inside.split("\n").slice(0, 2)).toEqual(probe().split("\n").slice(0, 2));
  expect(sdk.debuggablePromise).toBe(original);
  // Outside a run the SDK takes its trace as always.
  const outside = Promise.resolve("done");
  void sdk.debuggablePromise(outside, "probe");
  expect(traceOf(outside)).toMatch(FRAME);
});

test("with PULUMI_DEBUG_PROMISE_LEAKS, which makes the leak report print them, the traces are whole", async () => {
  sdk.debugPromiseLeaks = true;
  try {
    const { trace } = await inRun();
    expect(trace).toMatch(/^Error:? ?\n {4}at (Object\.)?debuggablePromise /);
  } finally {
    sdk.debugPromiseLeaks = false;
  }
});
