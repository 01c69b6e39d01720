/**
 * Policy test helpers: the stacks' plans, broken copies of their resources, and the pack evaluated the
 * way the Pulumi CLI evaluates it (policies/evaluate.ts builds every argument as the policy server does).
 */
import { PolicyConfig, policyConfigFile, readPolicyConfig } from "../policies/evaluate";
import { Plan, makePlan } from "../stacks/plan";
import { PlannedResource, stackFile } from "../stacks/runner";

export type Stack = "dev" | "prod";

/** Makes a stack's offline plan, which also evaluates the pack on it with the stack's policy config. */
export function plan(stack: Stack): Promise<Plan> {
  return makePlan({ stack, config: stackFile(stack) });
}

export function stackPolicyConfig(stack: Stack): PolicyConfig {
  return readPolicyConfig(policyConfigFile(stack));
}

/**
 * A deep copy made in the test's own realm. Not structuredClone: under jest it is the host's, its objects
 * fail the sandbox's `instanceof Object`, and the policy server's unknown-checking proxy leaves such
 * values unwrapped, so a preview's unknowns would go unnoticed.
 */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Resource inputs, loosely typed so a test can break them. */
export type Inputs = Record<string, any>;

/** The resource a list holds under a logical name. */
export function named(resources: readonly PlannedResource[], name: string): PlannedResource & { inputs: Inputs } {
  const found = resources.find(r => r.name === name);
  if (!found) throw new Error(`no resource named ${name}; have: ${resources.map(r => r.name).join(", ")}`);
  return found;
}

/** A copy of `resources` without the ones named. */
export function without(resources: readonly PlannedResource[], ...names: string[]): PlannedResource[] {
  names.forEach(n => named(resources, n));
  return resources.filter(r => !names.includes(r.name));
}

/** A copy of a resource under a new logical name (and URN), its inputs edited. */
export function copyOf(resource: PlannedResource, name: string, edit: (inputs: Inputs) => void = () => undefined): PlannedResource {
  const copy = clone(resource);
  copy.urn = copy.urn.replace(/::[^:]+$/, `::${name}`);
  copy.name = name;
  edit(copy.inputs);
  return copy;
}

/** A resource for a hand-built list, as the plan records one. */
export function resource(type: string, name: string, inputs: Inputs, dependsOn: readonly PlannedResource[] = []): PlannedResource {
  return {
    urn: `urn:pulumi:test::aoai-bcdr::${type}::${name}`, type, name, custom: true, protect: false,
    dependsOn: dependsOn.map(d => d.urn), inputs,
  };
}
