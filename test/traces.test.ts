/**
 * A run under the mock engine skips the work @pulumi/pulumi does that nothing reads offline: the stack trace on every
 * promise, unless its leak report would print it, and every resource's callsites (stacks/engine/traces.ts), and the
 * rendering of each registration's response into a debug line (stacks/engine/runner.ts). Every other error keeps its
 * whole stack, and the response its content.
 */
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";
import * as pulumi from "@pulumi/pulumi";
import * as log from "@pulumi/pulumi/log";
import * as resources from "@pulumi/azure-native/resources";
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

test("each registration's response is named, not rendered, in the SDK's debug line, and reaches the SDK whole", async () => {
  const lines: string[] = [];
  const debug = jest.spyOn(log, "debug").mockImplementation(message => {
    lines.push(message);
    return Promise.resolve();
  });
  let group: resources.ResourceGroup | undefined;
  try {
    const run = await runComponents(() => {
      group = new resources.ResourceGroup("rg", { resourceGroupName: "rg-probe", location: "eastus2" });
    });
    // The stack and the resource group, each once.
    const finished = lines.filter(l => l.startsWith("RegisterResource RPC finished"));
    expect(finished).toHaveLength(2);
    for (const line of finished) expect(line).toMatch(/, resp: RegisterResourceResponse$/);
    const [recorded] = run.resources;
    expect(recorded.outputs).toMatchObject({ name: "rg-probe", location: "eastus2" });
    // The SDK resolved the resource's outputs from the same response.
    const name = await new Promise(resolve => group!.name.apply(resolve));
    expect(name).toBe("rg-probe");
  } finally {
    debug.mockRestore();
  }
});
