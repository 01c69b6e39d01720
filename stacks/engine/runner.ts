/**
 * Runs the real program (infra/index.ts, the code `pulumi up` runs) in-process against Pulumi's mock
 * engine, and records what the engine would receive for every resource: URN, parent, provider,
 * inputs, protect and dependencies. Secrets are redacted as `[secret]`. The run fails, as a deployment
 * would, when the mock engine recorded a refusal (a name, a model offer) or the dependency graph holds
 * an ordering Azure rejects (./refusals/orderings.ts).
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { PROJECT } from "../../infra/config";
import type { ProgramOptions, UsagesClient } from "../../infra/quota";
import { declaredOffersOf, matrixModelsClient } from "./refusals/availability";
import { DeclarationOrder } from "./declarationOrder";
import { accessRefusals } from "./refusals/access";
import { identifierUriRefusals } from "./refusals/entra";
import { Graph, GraphNode, orderingRefusals } from "./refusals/orderings";
import { AzureRefusalError } from "./refusals/refusal";
import { UsageError } from "../cli/errors";
import { AzureMocks } from "./mocks";
import { landingZoneOf } from "./refusals/landingZone";
import { withoutUnreadTraces } from "./traces";
import type { Props } from "./props";

export const SECRET = "[secret]";
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  provider?: string;
  custom: boolean;
  protect: boolean;
  /** The `deleteBeforeReplace` option: a replacement deletes the old resource before creating the new one. */
  deleteBeforeReplace?: true;
  dependsOn: string[];
  /** The inputs `pulumi up` leaves as they are once created (the `ignoreChanges` option); absent when none. */
  ignoreChanges?: string[];
  /** Input name -> the URNs of the resources whose outputs it was computed from. */
  propertyDependencies: Record<string, string[]>;
  inputs: Record<string, unknown>;
  /** The state the (mock) engine returned: what `pulumi up` records as the resource's outputs. */
  outputs: Record<string, unknown>;
}

export interface ProgramRun {
  project: string;
  stack: string;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
}

/** What the mock engine answered for a resource: its id and output state (not part of the plan file). */
type Answer = { id?: string; outputs: Props };

export interface StackConfig {
  /** Config values as the Pulumi CLI hands them to a program: `ns:key` -> string (objects as JSON). */
  values: Record<string, string>;
  secretKeys: string[];
}

/** A stack file that is missing, empty or not a stack file: reported in one line with its path. */
export class StackFileError extends UsageError {}

/** The top-level keys of a Pulumi stack file (https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/). */
const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptionsalt", "encryptedkey"];

/** The stack file's `config:` map, or a one-line reason why the file is not a usable stack file. */
function configBlock(file: string, doc: unknown): Record<string, unknown> {
  const fail = (why: string) => new StackFileError(`${file}: ${why}`);
  if (doc === null || doc === undefined)
    throw fail("the file is empty; a stack file holds a 'config:' map of aoai-bcdr:<key> settings");
  if (typeof doc !== "object" || Array.isArray(doc))
    throw fail("not a stack file: expected a map with a 'config:' key");
  const keys = Object.keys(doc);
  if (!keys.includes("config")) {
    const hint =
      keys.includes("runtime") || keys.includes("name")
        ? " (this looks like the project file, Pulumi.yaml; a stack file is Pulumi.<stack>.yaml)"
        : "";
    throw fail(
      `not a stack file: no 'config:' key${hint}; top-level keys found: ${keys.join(", ") || "(none)"}; a stack file has ${STACK_FILE_KEYS.join(", ")}`,
    );
  }
  const config = (doc as { config: unknown }).config;
  if (config === null) throw fail("'config' is empty; it must hold the stack's aoai-bcdr:<key> settings");
  if (typeof config !== "object" || Array.isArray(config)) throw fail("'config' must be a map of keys to values");
  return config as Record<string, unknown>;
}

/** Reads a `Pulumi.<stack>.yaml` the way the Pulumi CLI hands its `config:` block to the program. */
export function loadStackConfig(file: string): StackConfig {
  if (!fs.existsSync(file))
    throw new StackFileError(
      `${file}: no such stack file (give --stack <name> for Pulumi.<name>.yaml, or --config <path>)`,
    );
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new StackFileError(`${file}: ${(e as Error).message.split("\n")[0]}`);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(configBlock(file, doc))) {
    const key = rawKey.includes(":") ? rawKey : `${PROJECT}:${rawKey}`;
    if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      // Ciphertext only the Pulumi service can decrypt: offline it stays a redacted secret.
      values[key] = SECRET;
      secretKeys.push(key);
    } else {
      values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { values, secretKeys };
}

/**
 * The usages client of the offline tools: there is no Azure to ask, so `quota.source: live` is refused with
 * one line that says what to do instead (a declared table, or a `pulumi preview` logged in to Azure).
 */
export const offlineUsages: UsagesClient = {
  list() {
    throw new UsageError(
      `${PROJECT}:quota.source: live reads Azure's usages API, which the offline plan cannot reach; ` +
        `set ${PROJECT}:quota.source: declared with a ${PROJECT}:quota.declared table (README, "Filling a new stack"), or run pulumi preview logged in to Azure`,
    );
  },
};

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SECRET_SIG_KEY] === SECRET_SIG) return SECRET;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, redactSecrets(v)]));
  }
  return value;
}

type RegisterRequest = {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getPropertydependenciesMap(): { forEach(f: (deps: { getUrnsList(): string[] }, key: string) => void): void };
  getObject(): Parameters<typeof pulumi.runtime.deserializeProperties>[0];
};
type RegisterResponse = { getUrn(): string; getId(): string; getObject: RegisterRequest["getObject"] };
type Monitor = { registerResource(req: RegisterRequest, cb: (err: unknown, res?: RegisterResponse) => void): void };

/**
 * An output whose input of the same name was secret is secret too: the engine propagates secretness from
 * inputs to outputs (https://www.pulumi.com/docs/iac/concepts/secrets/). The mock engine does not.
 */
function secretLike(inputs: Record<string, unknown>, outputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, inputs[k] === SECRET ? SECRET : v]));
}

function propertyDependencies(req: RegisterRequest, engineRef: (ref: string) => string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps, key) => {
    out[key] = deps.getUrnsList().map(engineRef);
  });
  return out;
}

/** What a registration's response says in the SDK's debug line: see recordRegistrations. */
const responseName = () => "RegisterResourceResponse";

/**
 * Records every registration the program sends to the (mock) engine. URNs are rewritten the way the
 * real engine builds them: the root stack's type is not part of its children's URNs, and a child's
 * type chain holds every ancestor (the mock monitor keeps only the nearest one).
 */
function recordRegistrations(into: PlannedResource[], answers: Map<string, Answer>): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  const engineUrns = new Map<string, string>();
  const engineRef = (ref: string) => {
    const [urn, ...rest] =
      ref.split("::").length > 4 ? [ref.split("::").slice(0, 4).join("::"), ref.split("::")[4]] : [ref];
    return [engineUrns.get(urn) ?? urn, ...rest].join("::");
  };
  monitor.registerResource = (req, cb) =>
    register(req, (err, res) => {
      if (!err && res) {
        const parent = req.getParent() ? engineUrns.get(req.getParent()) : undefined;
        const parentType = parent?.split("::")[2];
        const qualifiedType =
          !parentType || parentType === "pulumi:pulumi:Stack" ? req.getType() : `${parentType}$${req.getType()}`;
        const urn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualifiedType}::${req.getName()}`;
        engineUrns.set(res.getUrn(), urn);
        const answer: Answer = {
          id: res.getId() || undefined,
          outputs: pulumi.runtime.deserializeProperties(res.getObject()),
        };
        answers.set(urn, answer);
        const inputs = redactSecrets(pulumi.runtime.deserializeProperties(req.getObject())) as Record<string, unknown>;
        into.push({
          urn,
          type: req.getType(),
          name: req.getName(),
          parent,
          provider: req.getProvider() ? engineRef(req.getProvider()) : undefined,
          custom: req.getCustom(),
          protect: req.getProtect() === true,
          ...(req.getDeletebeforereplace() ? { deleteBeforeReplace: true as const } : {}),
          dependsOn: req.getDependenciesList().map(engineRef),
          ...(req.getIgnorechangesList().length > 0 ? { ignoreChanges: req.getIgnorechangesList() } : {}),
          propertyDependencies: propertyDependencies(req, engineRef),
          inputs,
          // redactSecrets copies: the answer keeps the state as the engine returned it.
          outputs: secretLike(inputs, redactSecrets(answer.outputs) as Record<string, unknown>),
        });
        // The SDK puts the response in a debug line on every registration (runtime/resource.js of 3.276.0:
        // `RegisterResource RPC finished: ${label}; err: ${rpcErr}, resp: ${innerResponse}`), which google-protobuf
        // renders by turning the whole message into an array: some 30 % of a program run's CPU. With no engine, as
        // in these runs, the line is dropped unread (log/index.js `debug`; `excessiveDebugOutput` is a constant
        // false), so the response is named instead of rendered. Its content reaches the SDK unchanged.
        Object.defineProperty(res, "toString", { value: responseName, configurable: true });
      }
      cb(err, res);
    });
}

export interface RunOptions extends ProgramOptions {
  stack: string;
  config: StackConfig;
  /** Receives every registration as it happens, also when the run fails. */
  record?: PlannedResource[];
  /** The program to run: infra/index.ts unless a benchmark measures the engine alone. */
  program?: Program;
}

type Program = (o?: ProgramOptions) => Promise<Record<string, unknown>>;

/**
 * Every @pulumi/azure-native v3 resource lists the type token of each earlier API version of its type as an
 * alias (a VirtualNetwork: 60), so that a stack created with a versioned type keeps its state: `aliases` in the
 * resource's generated constructor, e.g. node_modules/@pulumi/azure-native/resources/resourceGroup.js. The SDK
 * turns each alias into an Output URN (pulumi/pulumi sdk/nodejs/resource.ts, collapseAliasToUrn): about 2,500
 * for prod, most of the offline plan's run time. An offline plan has no earlier state for them to match, and
 * aliases reach neither the plan nor the pack, so the plan drops exactly these aliases before the SDK sees
 * them (transformations run first in the Resource constructor); any alias the program sets itself stays.
 */
export function withoutApiVersionAliases(
  args: pulumi.ResourceTransformationArgs,
): pulumi.ResourceTransformationResult | undefined {
  const aliases = args.opts.aliases;
  if (!aliases?.length) return undefined;
  const [pkg, module, name] = args.type.split(":");
  const versioned = new RegExp(`^${pkg}:${module}/v[0-9a-z]+:${name}$`);
  const kept = aliases.filter(
    a =>
      !(
        typeof a === "object" &&
        Object.keys(a).length === 1 &&
        typeof (a as pulumi.Alias).type === "string" &&
        versioned.test((a as pulumi.Alias).type as string)
      ),
  );
  return kept.length === aliases.length ? undefined : { props: args.props, opts: { ...args.opts, aliases: kept } };
}

/** The recorded resources in the order the program declared them (parents are recorded before children). */
function inDeclarationOrder(order: DeclarationOrder, resources: readonly PlannedResource[]): PlannedResource[] {
  const keys = new Map<string, string>();
  for (const r of resources) keys.set(r.urn, DeclarationOrder.key(r.parent && keys.get(r.parent), r.type, r.name));
  return order.sort(resources, r => keys.get(r.urn)!);
}

/** Runs the program for one stack under the mocks; resolves once every registration has completed. */
export function runProgram(opts: RunOptions): Promise<ProgramRun> {
  return withoutUnreadTraces(() => run(opts));
}

async function run(opts: RunOptions): Promise<ProgramRun> {
  const subscriptionId = opts.config.values["azure-native:subscriptionId"];
  const mocks = new AzureMocks(
    subscriptionId,
    opts.today,
    landingZoneOf(opts.config.values[`${PROJECT}:network`]),
    declaredOffersOf(opts.config.values[`${PROJECT}:standard`]),
  );
  await pulumi.runtime.setMocks(mocks, PROJECT, opts.stack, false);
  pulumi.runtime.setAllConfig(opts.config.values, opts.config.secretKeys);
  const resources: PlannedResource[] = opts.record ?? [];
  const answers = new Map<string, Answer>();
  recordRegistrations(resources, answers);
  const order = new DeclarationOrder();
  // Loaded only when no program is given: the program's modules are what a run measures and declares.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, see above
  const main = opts.program ?? (require("../../infra/index") as Program);
  // The same wrapper the Pulumi language host uses: it waits for every outstanding registration.
  // The program's error is caught inside the stack's init (where the language host would report it)
  // and rethrown once every outstanding registration has drained.
  let failure: { error: unknown } | undefined;
  const outputs =
    (await pulumi.runtime.runInPulumiStack(() => {
      pulumi.runtime.registerStackTransformation(order.transformation);
      pulumi.runtime.registerStackTransformation(withoutApiVersionAliases);
      return main({
        usagesClient: opts.usagesClient,
        modelsClient: opts.modelsClient ?? matrixModelsClient(),
        today: opts.today,
      }).catch(error => {
        failure = { error };
        return {};
      });
    })) ?? {};
  await pulumi.runtime.disconnect();
  if (failure) throw failure.error;
  const graph = new Graph(
    resources
      .filter(r => r.custom)
      .map((r): GraphNode => ({ ...r, inputs: r.inputs as Props, ...answers.get(r.urn)! })),
  );
  const refusals = [
    ...mocks.refusals,
    ...orderingRefusals(graph),
    ...accessRefusals(graph),
    ...identifierUriRefusals(graph),
  ];
  if (refusals.length > 0) throw new AzureRefusalError(refusals);
  return {
    project: PROJECT,
    stack: opts.stack,
    resources: inDeclarationOrder(order, resources).filter(r => r.type !== "pulumi:pulumi:Stack"),
    outputs: redactSecrets(outputs) as Record<string, unknown>,
  };
}
