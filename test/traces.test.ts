/**
 * A run under the mock engine leaves empty the stack traces @pulumi/pulumi takes that nothing reads offline: the one
 * on every promise, unless its leak report would print it, and every resource's callsites (stacks/engine/traces.ts);
 * every other error keeps its whole stack.
 */
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";
import * as pulumi from "@pulumi/pulumi";
import { runComponents } from "./components";
import { withoutUnreadTraces } from "../stacks/engine/traces";

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

/** Resource.callsites, which the Resource constructor reads its source position from (resource.js of 3.276.0). */
const resourceClass = pulumi.Resource as unknown as { callsites(): object[] };

/** Inside a program run: a promise made debuggable, a resource's callsites, and an ordinary error's stack. */
async function inRun() {
  const promise = Promise.resolve("done");
  let inside = "";
  let callsites: object[] = [];
  await runComponents(() => {
    void sdk.debuggablePromise(promise, "probe");
    callsites = resourceClass.callsites();
    inside = probe();
  });
  return { trace: traceOf(promise), callsites, inside };
}

test("during a run debuggablePromise and Resource.callsites take no frames; other errors keep theirs; the SDK's functions are back after", async () => {
  const original = [sdk.debuggablePromise, resourceClass.callsites];
  const { trace, callsites, inside } = await inRun();
  expect(trace).toMatch(/^Error:? ?$/);
  expect(callsites).toEqual([]);
  expect(inside).toMatch(FRAME);
  expect(inside.split("\n").slice(0, 2)).toEqual(probe().split("\n").slice(0, 2));
  expect([sdk.debuggablePromise, resourceClass.callsites]).toEqual(original);
  expect(resourceClass.callsites().length).toBeGreaterThan(0);
  // Outside a run the SDK takes its trace as always.
  const outside = Promise.resolve("done");
  void sdk.debuggablePromise(outside, "probe");
  expect(traceOf(outside)).toMatch(FRAME);
});

test("with PULUMI_DEBUG_PROMISE_LEAKS, which makes the leak report print them, the traces are whole", async () => {
  sdk.debugPromiseLeaks = true;
  try {
    const { trace, callsites } = await inRun();
    expect(trace).toMatch(/^Error:? ?\n {4}at (Object\.)?debuggablePromise /);
    // The leak report does not print callsites: they stay empty.
    expect(callsites).toEqual([]);
  } finally {
    sdk.debugPromiseLeaks = false;
  }
});

test("runs that overlap: the traces stay empty until the last one ends, then the SDK's functions are back", async () => {
  const original = [sdk.debuggablePromise, resourceClass.callsites];
  let release!: () => void;
  const first = withoutUnreadTraces(() => new Promise<void>(resolve => (release = resolve)));
  await withoutUnreadTraces(async () => undefined);
  // The first run is still under way.
  expect(resourceClass.callsites()).toEqual([]);
  expect(sdk.debuggablePromise).not.toBe(original[0]);
  release();
  await first;
  expect([sdk.debuggablePromise, resourceClass.callsites]).toEqual(original);
  expect(resourceClass.callsites().length).toBeGreaterThan(0);
});
