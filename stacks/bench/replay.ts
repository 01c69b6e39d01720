/**
 * The benchmark's second reference: a plan's resources alone. Each resource the plan recorded is declared again
 * through its own SDK class (@pulumi/azure-native, @pulumi/azuread, @pulumi/random) with the inputs, parent,
 * provider, protect flag and dependencies the plan recorded, on the plan's mock engine (stacks/engine/runner.ts: the
 * same recording, the same API-version alias handling, the same refusals). No config is validated, no topology
 * computed, no pack evaluated: what `npm run plan` costs beyond this is the program's own logic and the policy
 * evaluation. test/bench.test.ts shows a replay registers exactly what the plan did.
 *
 *   node -r ./stacks/loader/ts.js stacks/bench/replay.ts <plan.json>
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { PlannedResource, ProgramRun, loadStackConfig, runProgram } from "../engine/runner";
import { stackFile } from "../cli/stackFile";

type SdkClass = new (
  name: string,
  args: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/**
 * The class of a type token: `azure-native:<module>:<Name>` lives in `@pulumi/azure-native/<module>`,
 * `<package>:index/<x>:<Name>` in `@pulumi/<package>`, `pulumi:providers:<package>` is that package's Provider.
 */
function sdkClass(type: string): SdkClass {
  const [pkg, module, name] = type.split(":");
  const [from, exported] =
    pkg === "pulumi" && module === "providers"
      ? [name === "azure-native" ? "@pulumi/azure-native/provider" : `@pulumi/${name}`, "Provider"]
      : [pkg === "azure-native" ? `@pulumi/azure-native/${module}` : `@pulumi/${pkg}`, name];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is named by the plan's type
  const cls = (require(from) as Record<string, SdkClass | undefined>)[exported];
  if (!cls) throw new Error(`replay: no class ${exported} in ${from} for ${type}`);
  return cls;
}

/** A component as the program's: registered, then its outputs, once its constructor is done. */
class RecordedComponent extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs({});
  }
}

/** `urn[::id]` (how the plan records a provider reference) -> urn. */
const urnOf = (ref: string) => ref.split("::").slice(0, 4).join("::");

/** Declares `resources` (in the plan's order: parents and providers first) as the program did. */
export function declareRecorded(resources: readonly PlannedResource[]): void {
  const declared = new Map<string, pulumi.Resource>();
  const of = (urn: string) => declared.get(urnOf(urn));
  for (const r of resources) {
    // An input computed from other resources' outputs depends on them, as the program's Output did.
    const inputs = Object.fromEntries(
      Object.entries(r.inputs).map(([key, value]) => {
        const from = (r.propertyDependencies[key] ?? []).map(of).filter((d): d is pulumi.Resource => d !== undefined);
        return [key, from.length ? pulumi.all(from.map(d => d.urn)).apply(() => value) : value];
      }),
    );
    const opts = {
      parent: r.parent ? of(r.parent) : undefined,
      provider: r.provider ? (of(r.provider) as pulumi.ProviderResource) : undefined,
      dependsOn: r.dependsOn.map(of).filter((d): d is pulumi.Resource => d !== undefined),
      protect: r.protect,
    };
    declared.set(
      r.urn,
      r.custom ? new (sdkClass(r.type))(r.name, inputs, opts) : new RecordedComponent(r.type, r.name, opts),
    );
  }
}

/** Replays a plan's resources on the mock engine of its stack's config. */
export function replay(plan: Pick<ProgramRun, "stack" | "resources">): Promise<ProgramRun> {
  return runProgram({
    stack: plan.stack,
    config: loadStackConfig(stackFile(plan.stack)),
    program: async () => {
      declareRecorded(plan.resources);
      return {};
    },
  });
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error("usage: node -r ./stacks/loader/ts.js stacks/bench/replay.ts <plan.json>");
  replay(JSON.parse(fs.readFileSync(file, "utf8"))).catch(e => {
    console.error(e);
    process.exitCode = 3;
  });
}
