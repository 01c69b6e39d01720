/**
 * A run under the mock engine formats the stack trace @pulumi/pulumi takes on every promise only when its leak
 * report reads it (stacks/engine/promiseTraces.ts); every other error's stack is formatted at once, as outside a run.
 */
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";
import { runComponents } from "./components";

/** runtime/debuggable.js of @pulumi/pulumi (its declarations are stripped of these internal functions). */
const sdk = debuggable as unknown as {
  debuggablePromise<T>(p: Promise<T>, ctx: string): Promise<T>;
  promiseDebugString(p: Promise<unknown>): string;
};

/** An error's message and top frame, the same wherever it is created. */
const probe = () => new Error("probe").stack;

test("debuggablePromise's trace is formatted when the leak report reads it, with the hook in place before the run", async () => {
  const hook = Error.prepareStackTrace;
  const promise = Promise.resolve("done");
  let inside: unknown;
  await runComponents(() => {
    void sdk.debuggablePromise(promise, "probe");
    inside = probe();
  });
  const trace: unknown = (promise as unknown as { _debugStackTrace: unknown })._debugStackTrace;
  expect(typeof trace).not.toBe("string");
  // Under jest, source-map-support formats it: `Error: ` and the SDK's frames mapped to its TypeScript sources.
  expect(sdk.promiseDebugString(promise)).toMatch(
    /^CONTEXT\(\d+\): probe\nSTACK_TRACE:\nError:? ?\n {4}at (Object\.)?debuggablePromise \(.*[\\/]@pulumi[\\/](pulumi[\\/])?runtime[\\/]debuggable\.[jt]s:\d+:\d+\)\n {4}at .*promiseTraces\.test\.ts:\d+:\d+/,
  );
  // Every other stack is a string, formatted as outside a run (under jest: mapped to this file's lines).
  expect(typeof inside).toBe("string");
  expect((inside as string).split("\n").slice(0, 2)).toEqual(probe()!.split("\n").slice(0, 2));
  expect(Error.prepareStackTrace).toBe(hook);
});
