/**
 * The real @pulumi/policy server, started and driven the way the Pulumi CLI drives a Node.js pack:
 *   - launch "cli" (pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go `NewPolicyAnalyzer`): in the
 *     pack's folder, `node <@pulumi/pulumi/cmd/run-policy-pack> <engine address> .`, which registers ts-node with
 *     type-checking on (sdk/nodejs/cmd/run-policy-pack/run.ts) and loads the pack's `main`; `new PolicyPack`
 *     serves on 127.0.0.1:0 and prints the port as the first stdout line (pulumi/pulumi-policy
 *     sdk/nodejs/policy/server.ts `serve`). A type error in the pack stops it here. Type-checking the pack
 *     costs seconds of CPU at every start.
 *   - launch "transpiled" (the default): the same pack `main`, the same `new PolicyPack` and gRPC server, loaded
 *     through stacks/loader/ts.js's cached transpile instead of run-policy-pack's ts-node type-check: a start costs
 *     what loading @pulumi/policy costs. The type-check is not lost: `npm test` type-checks policies/
 *     (`npm run build`), and test/policies.pack.test.ts starts the pack the CLI's way, proves a type
 *     error stops it and that both launches serve the same pack with the same verdicts.
 *   - calls: ConfigureStack, GetAnalyzerInfo, Configure (every policy), Analyze per resource on its inputs,
 *     AnalyzeStack on every resource's outputs with parent, dependencies and propertyDependencies (empty
 *     lists skipped, as the CLI's `AnalyzeStack` marshalling does).
 * One server serves many stacks, and many clients: Configure replaces the whole config each time.
 */
import type { ChildProcess } from "child_process";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import type { AnalyzerClient as Client } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { EnforcementLevel, PolicyConfigEntry, PolicyInfo } from "./config";
import { LaunchOptions, Launched, launch, serving, sharedLaunch } from "./launch";

// The gRPC and protobuf copies the SDK's generated stubs were built with: resolved from the SDK's folder at
// run time, so Node's require (the stubs are untyped JavaScript, typed here by what is used).
/* eslint-disable @typescript-eslint/no-require-imports */
const SDK = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc: typeof grpcTypes = require(require.resolve("@grpc/grpc-js", { paths: [SDK] }));
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [SDK] })) as {
  Struct: { fromJavaScript(v: object): never };
};
const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [SDK] })) as {
  Empty: new () => never;
};
const { BinaryWriter } = require(require.resolve("google-protobuf", { paths: [SDK] })) as {
  BinaryWriter: new () => { writeBytes(field: number, bytes: Uint8Array): void; getResultBuffer(): Uint8Array };
};
const { AnalyzerClient, AnalyzerService } = require("@pulumi/pulumi/proto/analyzer_grpc_pb") as {
  AnalyzerClient: new (address: string, credentials: unknown) => Client;
  AnalyzerService: Record<
    "analyze" | "analyzeStack",
    { path: string; responseDeserialize: (bytes: Buffer) => analyzer.AnalyzeResponse }
  >;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Enforcement levels by their wire number (analyzer.proto `EnforcementLevel`). */
const WIRE_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

/** A resource as the engine describes it to the analyzer. */
export interface AnalyzerResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly properties: Record<string, unknown>;
  readonly protect?: boolean;
  readonly parent?: string;
  readonly provider?: {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly properties: Record<string, unknown>;
  };
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface Diagnostic {
  readonly policy: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly urn?: string;
  /** The server's message: the policy's description, a newline, the rule's own message. */
  readonly message: string;
}

export interface PackInfo {
  readonly name: string;
  readonly version: string;
  readonly policies: readonly PolicyInfo[];
}

/** A Struct of plain values: properties left undefined are absent on the wire. */
function struct(props: Record<string, unknown>): never {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
}

function options(r: AnalyzerResource): analyzer.AnalyzerResourceOptions {
  const o = new analyzer.AnalyzerResourceOptions();
  o.setProtect(r.protect === true);
  if (r.parent) o.setParent(r.parent);
  o.setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
  return o;
}

function provider(r: AnalyzerResource): analyzer.AnalyzerProviderResource | undefined {
  if (!r.provider) return undefined;
  const p = new analyzer.AnalyzerProviderResource();
  p.setUrn(r.provider.urn);
  p.setType(r.provider.type);
  p.setName(r.provider.name);
  p.setProperties(struct(r.provider.properties));
  return p;
}

/** What Analyze's request and AnalyzeStack's resources both carry: URN, type, name, properties, options, provider. */
function describe<M extends analyzer.AnalyzeRequest | analyzer.AnalyzerResource>(m: M, r: AnalyzerResource): M {
  m.setUrn(r.urn);
  m.setType(r.type);
  m.setName(r.name);
  m.setProperties(struct(r.properties));
  m.setOptions(options(r));
  const p = provider(r);
  if (p) m.setProvider(p);
  return m;
}

/**
 * Serialized messages by the JSON of the resource they describe: a plan's resources are sent many times over (every
 * phase, every config, every copy of the plan a test breaks), most of them unchanged, and serializing them was most
 * of this client's work. Bounded: emptied when it grows past a few plans.
 */
const wire = new Map<string, Uint8Array>();
const WIRE_KEPT = 5000;

function serialized(
  kind: "analyze" | "stack",
  message: (r: AnalyzerResource) => { serializeBinary(): Uint8Array },
  r: AnalyzerResource,
): Uint8Array {
  const key = `${kind}\0${JSON.stringify(r)}`;
  const kept = wire.get(key);
  if (kept) return kept;
  if (wire.size >= WIRE_KEPT) wire.clear();
  const bytes = message(r).serializeBinary();
  wire.set(key, bytes);
  return bytes;
}

const analyzeRequest = (r: AnalyzerResource) => describe(new analyzer.AnalyzeRequest(), r);

/**
 * An AnalyzeStackRequest on the wire. Its only field is `repeated AnalyzerResource resources = 1` (analyzer.proto),
 * and an embedded message is written as length-delimited bytes, tag and length then the message's own bytes
 * (https://protobuf.dev/programming-guides/encoding/#embedded): so each resource's kept bytes, written as bytes field 1,
 * make the message `AnalyzeStackRequest.serializeBinary()` makes.
 */
export function analyzeStackRequest(resources: readonly AnalyzerResource[]): Uint8Array {
  const writer = new BinaryWriter();
  for (const r of resources) writer.writeBytes(1, serialized("stack", stackResource, r));
  return writer.getResultBuffer();
}

function stackResource(r: AnalyzerResource): analyzer.AnalyzerResource {
  const m = describe(new analyzer.AnalyzerResource(), r);
  if (r.parent) m.setParent(r.parent);
  m.setDependenciesList([...(r.dependencies ?? [])]);
  for (const [key, urns] of Object.entries(r.propertyDependencies ?? {}).filter(([, urns]) => urns.length > 0)) {
    const deps = new analyzer.AnalyzerPropertyDependencies();
    deps.setUrnsList([...urns]);
    m.getPropertydependenciesMap().set(key, deps);
  }
  return m;
}

function diagnostics(response: analyzer.AnalyzeResponse): Diagnostic[] {
  return response.getDiagnosticsList().map(d => ({
    policy: d.getPolicyname(),
    enforcementLevel: WIRE_LEVELS[d.getEnforcementlevel()],
    ...(d.getUrn() ? { urn: d.getUrn() } : {}),
    message: d.getMessage(),
  }));
}

const call = <Req, Res>(
  method: (req: Req, cb: (err: grpcTypes.ServiceError | null, res: Res) => void) => unknown,
  req: Req,
) => new Promise<Res>((resolve, reject) => method(req, (err, res) => (err ? reject(err) : resolve(res))));

export class PolicyServer {
  private constructor(
    private readonly client: Client,
    /** The pack's process, if this server started its own (`start`); the shared one outlives its clients. */
    private readonly own?: ChildProcess,
  ) {}

  /** Starts a pack process of its own (see ./launch), which `close` stops; rejects with the pack's stderr if it exits before serving. */
  static start(opts: LaunchOptions = {}): Promise<PolicyServer> {
    return PolicyServer.connect(launch(opts), true);
  }

  /** A client of the process's shared server (./launch `sharedLaunch`, the default launch); `close` closes only the client. */
  static shared(): Promise<PolicyServer> {
    return PolicyServer.connect(sharedLaunch(), false);
  }

  private static async connect(launched: Launched, own: boolean): Promise<PolicyServer> {
    const port = await serving(launched);
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new PolicyServer(client, own ? launched.child : undefined);
  }

  async configureStack(stack: { project: string; stack: string; dryRun: boolean }): Promise<void> {
    const req = new analyzer.AnalyzerStackConfigureRequest();
    req.setProject(stack.project);
    req.setStack(stack.stack);
    req.setDryRun(stack.dryRun);
    await call(this.client.configureStack.bind(this.client), req);
  }

  async info(): Promise<PackInfo> {
    const info = await call<never, analyzer.AnalyzerInfo>(
      this.client.getAnalyzerInfo.bind(this.client) as never,
      new Empty(),
    );
    return {
      name: info.getName(),
      version: info.getVersion(),
      policies: info.getPoliciesList().map(p => {
        const schema = p.getConfigschema();
        return {
          name: p.getName(),
          enforcementLevel: WIRE_LEVELS[p.getEnforcementlevel()],
          ...(schema
            ? {
                configSchema: {
                  properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, object>,
                  required: schema.getRequiredList(),
                },
              }
            : {}),
        };
      }),
    };
  }

  async configure(config: ReadonlyMap<string, PolicyConfigEntry>): Promise<void> {
    const req = new analyzer.ConfigureAnalyzerRequest();
    for (const [name, entry] of config) {
      const c = new analyzer.PolicyConfig();
      c.setEnforcementlevel(WIRE_LEVELS.indexOf(entry.enforcementLevel ?? "advisory") as analyzer.EnforcementLevel);
      c.setProperties(struct(entry.properties));
      req.getPolicyconfigMap().set(name, c);
    }
    await call(this.client.configure.bind(this.client), req);
  }

  // async: a resource that cannot be serialized rejects, as a failed call does, rather than throwing at the caller.
  async analyze(r: AnalyzerResource): Promise<Diagnostic[]> {
    return this.send("analyze", serialized("analyze", analyzeRequest, r));
  }

  async analyzeStack(resources: readonly AnalyzerResource[]): Promise<Diagnostic[]> {
    return this.send("analyzeStack", analyzeStackRequest(resources));
  }

  close(): void {
    this.client.close();
    this.own?.kill();
  }

  /**
   * Sends a request already serialized: what the generated stub's method does (grpc-js make-client.js binds a unary
   * method to Client.prototype.makeUnaryRequest with the service's path, serializer and deserializer), with the
   * bytes as the serializer's output.
   */
  private send(method: "analyze" | "analyzeStack", bytes: Uint8Array): Promise<Diagnostic[]> {
    const { path, responseDeserialize } = AnalyzerService[method];
    const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    return new Promise((resolve, reject) =>
      this.client.makeUnaryRequest(path, asBuffer, responseDeserialize, bytes, (err, res) =>
        err ? reject(err) : resolve(diagnostics(res!)),
      ),
    );
  }
}
