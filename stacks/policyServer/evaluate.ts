/**
 * The pack's verdict on a planned stack, from the real policy server (./server), in the three shapes the
 * engine sends: every resource's inputs to resource policies (`Analyze`), and every resource's outputs to
 * stack policies (`AnalyzeStack`) as a `pulumi preview` projects them and as they are after `pulumi up`.
 * The offline plan, `npm run policy` and the tests use it; one server serves every stack of a process.
 */
import type { PlannedResource } from "../engine/runner";
import { PolicyConfig, reconcile, warnings } from "./config";
import { CachedProjection } from "./projectionCache";
import type { Launch } from "./launch";
import { AnalyzerResource, Diagnostic, PackInfo, PolicyServer } from "./server";

export type Phase = "inputs" | "preview" | "update";

export interface Violation extends Diagnostic {
  /** What the policy saw: resource inputs, preview outputs or post-update outputs. */
  readonly phase: Phase;
}

/** One violation as plan and policy print it: level, policy, phase, message on one line, then where. */
export function formatViolation(v: Violation): string {
  return `  [${v.enforcementLevel}] ${v.policy} (${v.phase}): ${v.message.replace(/\n/g, " ")}${v.urn ? `\n      at ${v.urn}` : ""}`;
}

export interface PlannedStack {
  readonly project: string;
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
  readonly outputs?: Record<string, unknown>;
}

const isProvider = (r: PlannedResource) => r.type.startsWith("pulumi:providers:");

/** The root Stack resource the runner leaves out: the parent of every top-level resource. */
function rootStack(plan: PlannedStack): PlannedResource[] {
  const urn = plan.resources.map(r => r.parent).find(p => p?.split("::")[2] === "pulumi:pulumi:Stack");
  return urn
    ? [
        {
          urn,
          type: "pulumi:pulumi:Stack",
          name: urn.split("::")[3],
          custom: false,
          protect: false,
          dependsOn: [],
          propertyDependencies: {},
          inputs: {},
          outputs: plan.outputs ?? {},
        },
      ]
    : [];
}

export class PackEvaluator {
  private readonly projection = new CachedProjection();

  private constructor(
    private readonly server: PolicyServer,
    readonly pack: PackInfo,
  ) {}

  /** An evaluator on a server of its own (started with `launch`), or on the process's shared one. */
  static async start(launch?: Launch | "shared"): Promise<PackEvaluator> {
    const server = await (launch === "shared" ? PolicyServer.shared() : PolicyServer.start({ launch }));
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

  /** Configures the server for a stack, as the CLI does before analyzing it: ConfigureStack, then Configure for every policy. */
  async configure(plan: PlannedStack, config: PolicyConfig, dryRun: boolean): Promise<void> {
    await this.server.configureStack({ project: plan.project, stack: plan.stack, dryRun });
    await this.server.configure(reconcile(this.pack.policies, config));
  }

  /** Analyze on each resource's inputs (of those `only` selects). */
  async analyzeInputs(plan: PlannedStack, only: (r: PlannedResource) => boolean = () => true): Promise<Violation[]> {
    const resources = this.resources(plan);
    const ds = await Promise.all(
      resources.filter(only).map(r => this.server.analyze(this.describe(r, r.inputs, resources))),
    );
    return ds.flat().map(d => ({ ...d, phase: "inputs" as const }));
  }

  /** AnalyzeStack on every resource's outputs, projected for a preview or as the update left them. */
  async analyzeStack(plan: PlannedStack, phase: Exclude<Phase, "inputs">): Promise<Violation[]> {
    const resources = this.resources(plan);
    const outputs = (r: PlannedResource) =>
      isProvider(r)
        ? r.inputs
        : phase === "preview"
          ? this.projection.preview(r.type, r.custom ? r.inputs : {})
          : this.projection.afterUpdate(r.type, r.outputs ?? {});
    const described = resources.map(r => this.describe(r, outputs(r), resources));
    this.projection.save();
    const ds = await this.server.analyzeStack(described);
    return ds.map(d => ({ ...d, phase }));
  }

  /** As `pulumi preview` then `pulumi up` would: every phase, with the stack's config. */
  async evaluate(plan: PlannedStack, config: PolicyConfig): Promise<Violation[]> {
    const found: Violation[] = [];
    for (const phase of ["preview", "update"] as const) {
      await this.configure(plan, config, phase === "preview");
      if (phase === "preview") found.push(...(await this.analyzeInputs(plan)));
      found.push(...(await this.analyzeStack(plan, phase)));
    }
    return found;
  }

  /** Closes this evaluator's client, and stops the server if it started its own. */
  close(): void {
    this.server.close();
  }

  private resources(plan: PlannedStack): PlannedResource[] {
    return [...rootStack(plan), ...plan.resources];
  }

  private describe(
    r: PlannedResource,
    properties: Record<string, unknown>,
    all: readonly PlannedResource[],
  ): AnalyzerResource {
    const providerUrn = r.provider?.split("::").slice(0, 4).join("::");
    const provider = providerUrn ? all.find(p => p.urn === providerUrn) : undefined;
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      properties,
      protect: r.protect,
      parent: r.parent,
      dependencies: r.dependsOn,
      propertyDependencies: r.propertyDependencies,
      ...(provider
        ? { provider: { urn: provider.urn, type: provider.type, name: provider.name, properties: provider.inputs } }
        : {}),
    };
  }
}

let shared: Promise<PackEvaluator> | undefined;

/** This module's evaluator, a client of the process's shared server (./launch `sharedLaunch`), made on first use. */
export function sharedEvaluator(): Promise<PackEvaluator> {
  shared ??= PackEvaluator.start("shared");
  return shared;
}
