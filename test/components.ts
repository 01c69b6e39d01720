/**
 * Component tests: run a function that declares components (instead of the whole program) under the
 * Azure mocks, recorded by stacks/engine/runner.ts exactly as a whole-program run is.
 */
import { PlannedResource, ProgramRun, runProgram } from "../stacks/engine/runner";
import { AzureRefusal, AzureRefusalError } from "../stacks/engine/refusals/refusal";
import type { Loose } from "./loose";

export async function runComponents(
  declare: () => Record<string, unknown> | void,
  stack = "test",
): Promise<ProgramRun> {
  return runProgram({ stack, config: { values: {}, secretKeys: [] }, program: async () => declare() ?? {} });
}

/** What the mock engine refuses of the components `declare` declares (none: an empty list). */
export async function engineRefusals(declare: () => void): Promise<AzureRefusal[]> {
  try {
    // What `declare` returns is not the stack's outputs: a resource there prints a warning per undefined property.
    await runComponents(() => {
      declare();
    });
    return [];
  } catch (e) {
    if (e instanceof AzureRefusalError) return [...e.refusals];
    throw e;
  }
}

/** A recorded resource's inputs, for assertions. */
export const inputs = (r: PlannedResource) => r.inputs as Loose;

/** The one resource of `type` whose logical name is `name`. */
export function named(run: ProgramRun, type: string, name: string): PlannedResource {
  const found = run.resources.filter(r => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0];
}
