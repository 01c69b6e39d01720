import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parseConfig } from "../infra/config";
import { policyChains } from "../infra/gateway/chains";
import { ApiPolicyInput, buildApiPolicy, referencedNamedValues } from "../infra/gateway/policy";
import { declaredQuota, resolveCapacities } from "../infra/quota";
import { Topology, buildTopology } from "../infra/topology";
import { stackValues } from "./support";

/** A parsed element: tag, attributes (unescaped, as APIM reads them), children, text. */
interface Node { tag: string; attrs: Record<string, string>; children: Node[]; text: string }

function parse(xml: string): Node {
  expect(XMLValidator.validate(xml)).toBe(true);
  const raw = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "", parseTagValue: false, parseAttributeValue: false, trimValues: true })
    .parse(xml) as any[];
  const convert = (n: any): Node => {
    const tag = Object.keys(n).find(k => k !== ":@")!;
    const kids = (n[tag] as any[]) ?? [];
    return {
      tag, attrs: n[":@"] ?? {},
      children: kids.filter(k => !("#text" in k)).map(convert),
      text: kids.filter(k => "#text" in k).map(k => k["#text"]).join(""),
    };
  };
  return convert(raw[0]);
}

const all = (n: Node, tag: string): Node[] => [...(n.tag === tag ? [n] : []), ...n.children.flatMap(c => all(c, tag))];
const one = (n: Node, tag: string): Node => {
  const found = all(n, tag);
  expect(found).toHaveLength(1);
  return found[0];
};
const section = (doc: Node, name: string) => doc.children.find(c => c.tag === name)!;

async function topologyOf(stack: string, edit?: (v: any) => void): Promise<{ topology: Topology; input: ApiPolicyInput }> {
  const values = stackValues(stack);
  edit?.(values);
  const config = parseConfig(values);
  const topology = buildTopology(config, await resolveCapacities(config, declaredQuota(config)));
  return {
    topology,
    input: {
      strategy: config.gateway.strategy,
      callerAuth: { kind: "entra", tenantId: "tenant-guid", audience: "api://aoai-bcdr-prod-gateway", rolePrefix: "app." },
      backendAuth: config.openai.auth,
      applications: config.applications,
      chains: policyChains(topology, config.openai.auth),
      retryAfterSeconds: 7,
      backendTimeoutSeconds: 120,
      shedAbove: { 2: 90, 3: 70 },
    },
  };
}

describe("backend-pool strategy (prod)", () => {
  let doc: Node;
  let xml: string;
  let input: ApiPolicyInput;
  beforeAll(async () => {
    ({ input } = await topologyOf("prod"));
    xml = buildApiPolicy(input);
    doc = parse(xml);
  });

  test("is a well-formed policy document with the four sections in order", () => {
    expect(doc.tag).toBe("policies");
    expect(doc.children.map(c => c.tag)).toEqual(["inbound", "backend", "outbound", "on-error"]);
    // The backend section replaces the default forward-request; the others extend the global policy.
    for (const s of doc.children.filter(c => c.tag !== "backend")) expect(s.children[0].tag).toBe("base");
  });

  test("retries 429 and 5xx fast, enough times to walk the longest chain, with the body buffered for replay", () => {
    const retry = one(section(doc, "backend"), "retry");
    expect(retry.attrs.condition).toBe("@(context.Response.StatusCode == 429 || context.Response.StatusCode >= 500)");
    expect(retry.attrs["first-fast-retry"]).toBe("true");
    expect(retry.attrs.interval).toBe("0");
    const longest = Math.max(...input.chains.map(c => c.tiers.length));
    expect(longest).toBe(5);
    expect(Number(retry.attrs.count)).toBe(longest - 1);
    expect(one(retry, "forward-request").attrs["buffer-request-body"]).toBe("true");
  });

  test("routes each workload's callers to its own chain and everyone else to the shared chain", () => {
    const routes = all(section(doc, "inbound"), "when")
      .filter(w => w.children.some(c => c.tag === "set-variable" && c.attrs.name === "chain-pool"))
      .map(w => [w.attrs.condition, w.children.find(c => c.attrs.name === "chain-pool")!.attrs.value]);
    expect(routes[0]).toEqual(['@((string)context.Variables["workload"] == "claims" && (string)context.Variables["deployment"] == "gpt-4o")', "pool-workload-claims"]);
    expect(routes).toContainEqual(['@((string)context.Variables["deployment"] == "gpt-4.1")', "pool-shared-gpt-4.1"]);
    const pools = routes.map(r => r[1]);
    expect(pools).toEqual(expect.arrayContaining(["pool-workload-claims", "pool-workload-fraud", "pool-shared-gpt-4o", "pool-shared-gpt-4.1", "pool-shared-gpt-4o-mini"]));
    // Workload chains are matched before the shared chain of the same deployment.
    expect(pools.indexOf("pool-workload-claims")).toBeLessThan(pools.indexOf("pool-shared-gpt-4o"));
    expect(one(section(doc, "inbound"), "set-backend-service").attrs["backend-id"]).toBe('@((string)context.Variables["chain-pool"])');
    const unknown = section(doc, "inbound").children.filter(c => c.tag === "choose").pop()!.children.find(c => c.tag === "otherwise")!;
    expect(one(unknown, "set-status").attrs.code).toBe("404");
  });

  test("lower-priority callers leave hot PTU pools first; standard-only chains have nothing to shed", () => {
    const shedding = all(section(doc, "inbound"), "cache-lookup-value").map(n => n.attrs.key);
    expect(shedding).toEqual(["ptu-utilization-workload-claims", "ptu-utilization-workload-fraud", "ptu-utilization-shared-gpt-4o"]);
    const rule = all(section(doc, "inbound"), "when").find(w => w.attrs.condition.includes("ptu-utilization"))!;
    expect(rule.attrs.condition).toContain('int.Parse((string)context.Variables["app-priority"]) == 2 && double.Parse((string)context.Variables["ptu-utilization"]) >= 90');
    expect(rule.attrs.condition).toContain('int.Parse((string)context.Variables["app-priority"]) >= 3 && double.Parse((string)context.Variables["ptu-utilization"]) >= 70');
    expect(rule.children.find(c => c.attrs.name === "chain-pool")!.attrs.value).toBe("pool-standard-gpt-4o");
    expect(one(section(doc, "outbound"), "cache-store-value").attrs.value).toContain("azure-openai-deployment-utilization");
  });

  test("authenticates callers with Entra ID: audience and one app role per application", () => {
    const token = one(section(doc, "inbound"), "validate-azure-ad-token");
    expect(token.attrs["tenant-id"]).toBe("tenant-guid");
    expect(one(token, "audience").text).toBe("api://aoai-bcdr-prod-gateway");
    expect(all(one(token, "claim"), "value").map(v => v.text)).toEqual(["app.claims-assistant", "app.fraud-scoring", "app.doc-search", "app.hr-chatbot"]);
  });

  test("calls OpenAI with the gateway's managed identity", () => {
    expect(one(section(doc, "inbound"), "authentication-managed-identity").attrs.resource).toBe("https://cognitiveservices.azure.com");
    expect(referencedNamedValues(xml)).toEqual([]);
  });

  test("limits tokens per application and emits token metrics by application and region", () => {
    const limits = all(section(doc, "inbound"), "azure-openai-token-limit").map(l => [l.attrs["counter-key"], l.attrs["tokens-per-minute"]]);
    expect(limits).toEqual([["claims-assistant", "400000"], ["fraud-scoring", "300000"], ["doc-search", "150000"], ["hr-chatbot", "50000"]]);
    const metric = one(section(doc, "inbound"), "azure-openai-emit-token-metric");
    expect(all(metric, "dimension").map(d => d.attrs.name)).toEqual(["Application", "Deployment", "Location", "API ID"]);
  });

  test("stamps X-Served-By and answers a clean 503 with Retry-After when the chain is exhausted", () => {
    const headers = all(section(doc, "outbound"), "set-header").map(h => h.attrs.name);
    expect(headers).toEqual(expect.arrayContaining(["X-Served-By", "X-Gateway-Region", "Retry-After"]));
    for (const s of ["outbound", "on-error"]) {
      const reply = all(section(doc, s), "return-response").find(r => one(r, "set-status").attrs.code === "503")!;
      expect(all(reply, "set-header").find(h => h.attrs.name === "Retry-After")!.children[0].text).toBe("7");
    }
  });

  test("no attribute is empty (APIM refuses empty policy attribute values)", () => {
    const walk = (n: Node): Node[] => [n, ...n.children.flatMap(walk)];
    for (const n of walk(doc)) for (const [k, v] of Object.entries(n.attrs)) expect(`${n.tag}@${k}=${v}`).not.toMatch(/=$/);
  });

  test("escapes expressions so APIM reads them back unchanged", () => {
    expect(xml).toContain("&amp;&amp;");
    expect(xml).not.toMatch(/condition="[^"]*&&/);
    const cond = all(section(doc, "inbound"), "when")[0].attrs.condition;
    expect(cond).toBe('@((string)context.Variables["application"] == "claims-assistant")');
  });
});

describe("key mode", () => {
  test("no managed identity token; the backends carry keys (named values), never a literal in the XML", async () => {
    const { input } = await topologyOf("prod", v => { v.openai = { auth: "keys" }; });
    const xml = buildApiPolicy(input);
    expect(all(parse(xml), "authentication-managed-identity")).toEqual([]);
    expect(xml).not.toMatch(/api-key/);
  });
});

describe("subscription-key callers", () => {
  test("the product of the caller's key names its application; no token validation", async () => {
    const { input } = await topologyOf("dev");
    const doc = parse(buildApiPolicy({ ...input, callerAuth: { kind: "subscription-key" } }));
    expect(all(doc, "validate-azure-ad-token")).toEqual([]);
    expect(section(doc, "inbound").children.find(c => c.attrs.name === "application")!.attrs.value)
      .toBe("@(context.Product != null ? context.Product.Id : string.Empty)");
  });
});

describe("send-request strategy (the seed design's synchronous failover)", () => {
  let doc: Node;
  let xml: string;
  let input: ApiPolicyInput;
  beforeAll(async () => {
    ({ input } = await topologyOf("prod", v => { v.gateway.strategy = "send-request"; }));
    xml = buildApiPolicy(input);
    doc = parse(xml);
  });

  test("forwards once with the response buffered, then walks the rest of the chain with new requests", () => {
    const forward = one(section(doc, "backend"), "forward-request");
    expect(forward.attrs).toMatchObject({ "buffer-request-body": "true", "buffer-response": "true" });
    expect(all(section(doc, "backend"), "retry")).toEqual([]);
    const sends = all(section(doc, "outbound"), "send-request");
    expect(sends).toHaveLength(input.chains.reduce((n, c) => n + c.tiers.length - 1, 0));
    for (const s of sends) expect(s.attrs.mode).toBe("new");
  });

  test("each step preserves path, deployment, query and body, and targets the next backend of the chain", () => {
    const claims = input.chains.find(c => c.name === "workload-claims")!;
    const steps = all(section(doc, "outbound"), "when").filter(w => w.attrs.condition?.includes('"workload-claims"'));
    expect(steps.map(s => one(s, "set-url").text)).toEqual(
      claims.tiers.slice(1).map(t => `@("{{${t.endpointNamedValue}}}" + (string)context.Variables["request-path"])`));
    for (const s of steps) {
      expect(s.attrs.condition).toContain('(int)context.Variables["attempt-status"] == 429 || (int)context.Variables["attempt-status"] >= 500');
      expect(one(s, "set-body").text).toBe("@(context.Request.Body.As<string>(preserveContent: true))");
      expect(one(s, "set-method").text).toBe("@(context.Request.Method)");
      expect(one(s, "authentication-managed-identity").attrs.resource).toBe("https://cognitiveservices.azure.com");
    }
    const path = section(doc, "inbound").children.find(c => c.attrs.name === "request-path")!;
    expect(path.attrs.value).toBe("@(context.Request.OriginalUrl.Path.TrimStart('/') + context.Request.OriginalUrl.QueryString)");
    expect(referencedNamedValues(xml)).toEqual(expect.arrayContaining(["openai-endpoint-standard-primary", "openai-endpoint-enterprise-ptu"]));
  });

  test("in key mode each step sends the next account's Key Vault-backed key", async () => {
    const { input: keys } = await topologyOf("prod", v => { v.gateway.strategy = "send-request"; v.openai = { auth: "keys" }; });
    const sends = all(parse(buildApiPolicy(keys)), "send-request");
    for (const s of sends) {
      const key = all(s, "set-header").find(h => h.attrs.name === "api-key")!;
      expect(key.children[0].text).toMatch(/^\{\{openai-key-[a-z0-9-]+\}\}$/);
    }
  });
});

describe("behind Front Door", () => {
  test("only requests carrying this Front Door's id in X-Azure-FDID pass", async () => {
    const { input } = await topologyOf("dev");
    const check = one(section(parse(buildApiPolicy({ ...input, frontDoorIdNamedValue: "front-door-id" })), "inbound"), "check-header");
    expect(check.attrs).toMatchObject({ name: "X-Azure-FDID", "failed-check-httpcode": "403" });
    expect(one(check, "value").text).toBe("{{front-door-id}}");
    expect(all(parse(buildApiPolicy(input)), "check-header")).toEqual([]);
  });
});
