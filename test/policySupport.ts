/**
 * Policy test helpers: the stacks' plans, broken copies of them, and the real policy server (one per jest worker).
 */
import { PlannedResource, ProgramRun, loadStackConfig } from "../stacks/engine/runner";
import { stackFile } from "../stacks/cli/stackFile";
import { sharedRun } from "./support";
import { PackEvaluator, sharedEvaluator } from "../stacks/policyServer/evaluate";
import type { Loose } from "./loose";

export type Stack = "dev" | "prod";

/** Runs a stack's program under the mocks, without evaluating the pack (the suite's own server does). */
export function programRun(stack: Stack): Promise<ProgramRun> {
  return sharedRun(stack, loadStackConfig(stackFile(stack)));
}

/**
 * The suite's client of the worker's policy server (the process's shared one, which the plans the suite makes use
 * too: stacks/policyServer/launch.ts `sharedLaunch`), connected in beforeAll and closed in afterAll: jest gives
 * each suite its own modules, so its gRPC channel would otherwise stay open until the worker exits. The server
 * itself serves the worker's next suites, and ends with the worker.
 */
export function policyServer(): { readonly current: PackEvaluator } {
  const holder = {} as { current?: PackEvaluator };
  beforeAll(async () => {
    holder.current = await sharedEvaluator();
  }, 60000);
  afterAll(() => holder.current?.close());
  return holder as { readonly current: PackEvaluator };
}

/** A deep copy in the test's own realm. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Resource properties, loosely typed so a test can break them. */
export type Props = Loose;

/** The resource a list holds under a logical name. */
export function named(resources: readonly PlannedResource[], name: string): PlannedResource {
  const found = resources.find(r => r.name === name);
  if (!found) throw new Error(`no resource named ${name}; have: ${resources.map(r => r.name).join(", ")}`);
  return found;
}

/** Breaks a resource the way a changed program would: the same edit to its inputs and to the outputs the engine recorded. */
export const edit = (name: string, change: (props: Props) => void) => (resources: PlannedResource[]) => {
  const r = named(resources, name);
  change(r.inputs);
  change(r.outputs);
  return resources;
};

/** A copy of `resources` without the ones named. */
export function without(resources: readonly PlannedResource[], ...names: string[]): PlannedResource[] {
  names.forEach(n => named(resources, n));
  return resources.filter(r => !names.includes(r.name));
}

/** A copy of a resource under a new logical name (and URN), edited like `edit`. */
export function copyOf(
  resource: PlannedResource,
  name: string,
  change: (props: Props) => void = () => undefined,
): PlannedResource {
  const copy = clone(resource);
  copy.urn = copy.urn.replace(/::[^:]+$/, `::${name}`);
  copy.name = name;
  change(copy.inputs);
  change(copy.outputs);
  return copy;
}
