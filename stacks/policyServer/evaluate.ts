/**
 * The pack's verdict on a planned stack, from the real policy server (./server), in the three shapes the
 * engine sends: every resource's inputs to resource policies (`Analyze`), and every resource's outputs to
 * stack policies (`AnalyzeStack`) as a `pulumi preview` projects them and as they are after `pulumi up`.
 * The offline plan, `npm run policy` and the tests use it; one server serves every stack of a process.
 */
import * as fs from "fs";
import * as path from "path";
import type { PlannedResource } from "../runner";
import { PolicyConfig, readPolicyConfig, reconcile, warnings } from "./config";
import { OutputProjection } from "./projection";
import { AnalyzerResource, Diagnostic, PackInfo, POLICY_PACK_DIR, PolicyServer } from "./server";

export type Phase = "inputs" | "preview" | "update";

export interface Violation extends Diagnostic {
  /** What the policy saw: resource inputs, preview outputs or post-update outputs. */
  readonly phase: Phase;
}

export interface PlannedStack {
  readonly project: string;
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
  readonly outputs?: Record<string, unknown>;
}

/** Where a stack's policy config lives: policies/policy-config.<stack>.json. */
export function policyConfigFile(stack: string): string {
  return path.join(POLICY_PACK_DIR, `policy-config.${stack}.json`);
}

/** The stack's own policy config, if it has one. */
export function stackPolicyConfig(stack: string): PolicyConfig {
  const file = policyConfigFile(stack);
  return fs.existsSync(file) ? readPolicyConfig(file) : new Map();
}

const isProvider = (r: PlannedResource) => r.type.startsWith("pulumi:providers:");

/** The root Stack resource the runner leaves out: the parent of every top-level resource. */
function rootStack(plan: PlannedStack): PlannedResource[] {
  const urn = plan.resources.map(r => r.parent).find(p => p?.split("::")[2] === "pulumi:pulumi:Stack");
  return urn ? [{ urn, type: "pulumi:pulumi:Stack", name: urn.split("::")[3], custom: false, protect: false, dependsOn: [], propertyDependencies: {}, inputs: {}, outputs: plan.outputs ?? {} }] : [];
}

export class PackEvaluator {
  private readonly projection = new OutputProjection();

  private constructor(private readonly server: PolicyServer, readonly pack: PackInfo) {}

  static async start(): Promise<PackEvaluator> {
    const server = await PolicyServer.start();
    try {
      return new PackEvaluator(server, await server.info());
    } catch (e) {
      server.close();
      throw e;
    }
  }

  /** What the CLI would silently ignore in `config`. */
  warnings(config: PolicyConfig): string[] {
    return warnings(this.pack.policies, config);
  }

  /** Analyze on every resource's inputs, then AnalyzeStack on the outputs of each requested phase. */
  async evaluate(plan: PlannedStack, config: PolicyConfig, phases: readonly Exclude<Phase, "inputs">[] = ["preview", "update"]): Promise<Violation[]> {
    const resources = [...rootStack(plan), ...plan.resources];
    await this.server.configureStack({ project: plan.project, stack: plan.stack, dryRun: phases.includes("preview") });
    await this.server.configure(reconcile(this.pack.policies, config));
    const byUrn = new Map(resources.map(r => [r.urn, r]));
    const describe = (r: PlannedResource, properties: Record<string, unknown>): AnalyzerResource => {
      const provider = r.provider ? byUrn.get(r.provider.split("::").slice(0, 4).join("::")) : undefined;
      return {
        urn: r.urn, type: r.type, name: r.name, properties, protect: r.protect, parent: r.parent,
        dependencies: r.dependsOn, propertyDependencies: r.propertyDependencies,
        ...(provider ? { provider: { urn: provider.urn, type: provider.type, name: provider.name, properties: provider.inputs } } : {}),
      };
    };
    const tag = (phase: Phase) => (ds: Diagnostic[]) => ds.map(d => ({ ...d, phase }));
    const inputs = (await Promise.all(resources.map(r => this.server.analyze(describe(r, r.inputs))))).flat();
    const outputs = (phase: Exclude<Phase, "inputs">) => resources.map(r => describe(r, isProvider(r) ? r.inputs
      : phase === "preview" ? this.projection.preview(r.type, r.custom ? r.inputs : {}) : this.projection.afterUpdate(r.type, r.outputs ?? {})));
    const stacks = await Promise.all(phases.map(async phase => tag(phase)(await this.server.analyzeStack(outputs(phase)))));
    return [...tag("inputs")(inputs), ...stacks.flat()];
  }

  close(): void {
    this.server.close();
  }
}

/** The plan's violations in every phase, with the stack's policy config: one server for the call. */
export async function evaluateStack(plan: PlannedStack): Promise<Violation[]> {
  const evaluator = await PackEvaluator.start();
  try {
    return await evaluator.evaluate(plan, stackPolicyConfig(plan.stack));
  } finally {
    evaluator.close();
  }
}
