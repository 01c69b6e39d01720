/**
 * Evaluates the pack on a planned stack the way `pulumi preview --policy-pack policies` does, without the
 * CLI or a gRPC server: the CLI's part (policy config from a `--policy-pack-config` file, checked against
 * each policy's schema with its defaults filled in; enforcement levels) and @pulumi/policy's server part
 * (inputs wrapped in the unknown-checking proxy, the arguments each validation receives, not-applicable
 * results, a value unknown during the preview turning into an advisory). Every resource policy runs on
 * every resource but providers, every stack policy on the whole list.
 *
 * The offline plan (stacks/plan.ts), `npm run policy` (stacks/policy.ts) and the tests use it.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import type {
  EnforcementLevel, Policy, PolicyPackArgs, PolicyProviderResource, PolicyResource, PolicyResourceOptions,
  ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
} from "@pulumi/policy";
import { PACK_NAME, packArgs } from "./pack";
import { UnknownValueError, unknownCheckingProxy } from "./lib/sdk";

/** A resource as the plan records what the engine receives (stacks/runner.ts `PlannedResource`). */
export interface StackResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  /** `<provider urn>::<provider id>`. */
  readonly provider?: string;
  readonly protect?: boolean;
  readonly dependsOn?: readonly string[];
  readonly inputs: Record<string, unknown>;
}

export interface Violation {
  policy: string;
  enforcementLevel: string;
  urn?: string;
  message: string;
}

export interface NotApplicable {
  readonly policy: string;
  /** The resource a resource policy did not apply to; none for a stack policy. */
  readonly urn?: string;
  readonly reason: string;
}

export interface Evaluation {
  readonly violations: Violation[];
  readonly notApplicable: NotApplicable[];
}

/** A `--policy-pack-config` file: per policy (or `all`), a level or the level and the policy's settings. */
export type PolicyConfig = Readonly<Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>>;

/** A policy config the CLI would refuse: reported without a stack trace. */
export class PolicyConfigError extends Error {}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const PACK_VERSION: string = JSON.parse(fs.readFileSync(path.join(__dirname, "package.json"), "utf8")).version;

/** Where a stack's policy config lives: policies/policy-config.<stack>.json. */
export function policyConfigFile(stack: string): string {
  return path.join(__dirname, `policy-config.${stack}.json`);
}

export function readPolicyConfig(file: string): PolicyConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new PolicyConfigError(`${file}: ${(e as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new PolicyConfigError(`${file}: must be a JSON object of policy names to settings`);
  return parsed as PolicyConfig;
}

interface ResolvedPolicy {
  readonly policy: Policy;
  readonly level: EnforcementLevel;
  readonly config: Record<string, unknown>;
}

const ajv = new Ajv({ useDefaults: true, allErrors: true });

/** Each policy's level and settings, as the CLI resolves them: the policy's entry, else `all`, else its own level, else the pack's. */
export function resolvePolicies(config: PolicyConfig, pack: PolicyPackArgs = packArgs): ResolvedPolicy[] {
  const names = new Set(pack.policies.map(p => p.name));
  const problems: string[] = [];
  const levelOf = (key: string, value: unknown): EnforcementLevel | undefined => {
    if (value === undefined || LEVELS.includes(value as EnforcementLevel)) return value as EnforcementLevel | undefined;
    problems.push(`${key}: enforcement level must be one of ${LEVELS.join(", ")}, not ${JSON.stringify(value)}`);
    return undefined;
  };
  for (const key of Object.keys(config).filter(k => k !== "all" && !names.has(k))) problems.push(`${key}: no such policy in ${PACK_NAME}`);
  const all = levelOf("all", config.all);
  const resolved = pack.policies.map(policy => {
    const entry = config[policy.name];
    const { enforcementLevel, ...settings } = typeof entry === "object" ? entry : { enforcementLevel: entry };
    const validate = ajv.compile({ type: "object", additionalProperties: false, ...policy.configSchema });
    if (!validate(settings)) {
      problems.push(...(validate.errors ?? []).map(e => `${policy.name}${e.instancePath.replace(/\//g, ".")}: ${e.message}` +
        `${e.keyword === "additionalProperties" ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ""}`));
    }
    const level = levelOf(policy.name, enforcementLevel) ?? all ?? policy.enforcementLevel ?? pack.enforcementLevel ?? "advisory";
    return { policy, level, config: settings };
  });
  if (problems.length > 0) throw new PolicyConfigError(`Invalid policy config:\n${problems.map(p => `  - ${p}`).join("\n")}`);
  return resolved;
}

class NotApplicableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason ?? "");
};

/** `resourceClass` names `type`: by its static `__pulumiType`, else by `isInstance`, as the server checks. */
function isTypeOf(type: string, resourceClass: { __pulumiType?: unknown; isInstance?: (o: unknown) => boolean }): boolean {
  if (typeof resourceClass.__pulumiType === "string" && resourceClass.__pulumiType !== "") return resourceClass.__pulumiType === type;
  return resourceClass.isInstance?.({ __pulumiType: type }) === true;
}

/** `isType` and `asType` of a resource's arguments (generic in the SDK's declarations). */
function typeChecks(type: string, props: Record<string, unknown>) {
  return {
    isType: (resourceClass: never) => isTypeOf(type, resourceClass),
    asType: (resourceClass: never) => (isTypeOf(type, resourceClass) ? props : undefined) as never,
  };
}

const isProvider = (r: StackResource) => r.type.startsWith("pulumi:providers:");

function options(r: StackResource): PolicyResourceOptions {
  return {
    protect: r.protect === true,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

/** The resources as the server hands them to stack policies: proxied inputs, parents and dependencies as objects. */
function policyResources(resources: readonly StackResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const list = resources.map(r => {
    const props = unknownCheckingProxy(r.inputs);
    const resource: PolicyResource = {
      type: r.type, name: r.name, urn: r.urn, props, opts: options(r), dependencies: [], propertyDependencies: {}, ...typeChecks(r.type, props),
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  resources.forEach((r, i) => {
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent) list[i].parent = parent;
    list[i].dependencies = (r.dependsOn ?? []).flatMap(d => byUrn.get(d) ?? []);
  });
  return list;
}

function providerOf(r: StackResource, resources: readonly StackResource[]): PolicyProviderResource | undefined {
  const urn = r.provider?.split("::").slice(0, 4).join("::");
  const provider = urn === undefined ? undefined : resources.find(p => p.urn === urn);
  return provider && { type: provider.type, name: provider.name, urn: provider.urn, props: unknownCheckingProxy(provider.inputs) };
}

interface Target {
  readonly resolved: ResolvedPolicy;
  readonly urn?: string;
  readonly out: Evaluation;
}

/** Runs one validation and files its outcome the way the server does. */
async function runValidation({ resolved, urn, out }: Target, validate: (report: (message: string, urn?: string) => void) => void | Promise<void>): Promise<void> {
  const { policy, level } = resolved;
  const from = `policy '${policy.name}' from policy pack '${PACK_NAME}@v${PACK_VERSION}'`;
  try {
    await validate((message, reported) => out.violations.push({
      policy: policy.name, enforcementLevel: level === "remediate" ? "mandatory" : level, urn: reported ?? urn, message,
    }));
  } catch (e) {
    if (e instanceof NotApplicableError) out.notApplicable.push({ policy: policy.name, urn, reason: e.reason });
    else if (e instanceof UnknownValueError) out.violations.push({ policy: policy.name, enforcementLevel: "advisory", urn, message: `can't run ${from} during preview: ${e.message}` });
    else throw new Error(`Error validating ${urn ? `resource ${urn}` : "stack"} with ${from}: ${(e as Error).message}`, { cause: e });
  }
}

function isResourcePolicy(p: Policy): p is ResourceValidationPolicy {
  return "validateResource" in p || "remediateResource" in p;
}

export async function evaluatePack(resources: readonly StackResource[], config: PolicyConfig = {}, pack: PolicyPackArgs = packArgs): Promise<Evaluation> {
  const out: Evaluation = { violations: [], notApplicable: [] };
  const stackResources = policyResources(resources);
  for (const resolved of resolvePolicies(config, pack).filter(p => p.level !== "disabled")) {
    const getConfig = <T extends object>() => structuredClone(resolved.config) as T;
    const stackTags: ReadonlyMap<string, string> = new Map();
    if (!isResourcePolicy(resolved.policy)) {
      const policy = resolved.policy as StackValidationPolicy;
      const args: StackValidationArgs = { resources: stackResources, getConfig, stackTags, notApplicable };
      await runValidation({ resolved, out }, report => policy.validateStack(args, report));
      continue;
    }
    const validations = [resolved.policy.validateResource ?? []].flat();
    for (const r of resources.filter(r => !isProvider(r))) {
      const props = unknownCheckingProxy(r.inputs);
      const provider = providerOf(r, resources);
      const args: ResourceValidationArgs = {
        type: r.type, props, urn: r.urn, name: r.name, opts: options(r), stackTags, getConfig, notApplicable,
        ...typeChecks(r.type, props), ...(provider ? { provider } : {}),
      };
      for (const validate of validations) await runValidation({ resolved, urn: r.urn, out }, report => validate(args, report));
    }
  }
  return out;
}

/** The plan's violations: the pack with the stack's policy config, if it has one. */
export async function evaluateStack(plan: { readonly stack: string; readonly resources: readonly StackResource[] }): Promise<Violation[]> {
  const file = policyConfigFile(plan.stack);
  const config = fs.existsSync(file) ? readPolicyConfig(file) : {};
  return (await evaluatePack(plan.resources, config)).violations;
}
