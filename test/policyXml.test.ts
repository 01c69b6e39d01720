import { XMLValidator } from "fast-xml-parser";
import { PolicyElement } from "../policies/lib/policyXml";
import { validateStack } from "../infra/config";
import { gatewayChains } from "../infra/gateway/chains";
import {
  ApiPolicyInput,
  REMAINING_TOKENS_HEADER,
  buildApiPolicy,
  policyApplications,
  referencedNamedValues,
} from "../infra/gateway/policy";
import { DEPLOYMENT_EXPRESSION, SHED_COUNTER_LIMIT } from "../infra/gateway/policy/routing";
import { buildTopology } from "../infra/topology";
import { expressionProblems } from "./apimExpressions";
import { policyTree, stackValues } from "./support";

/** A parsed element (the pack's reader): name, attributes (unescaped, as APIM reads them), children, text. */
type Node = PolicyElement;

function parse(xml: string): Node {
  expect(XMLValidator.validate(xml)).toBe(true);
  return policyTree(xml);
}

const walk = (n: Node): Node[] => [n, ...n.children.flatMap(walk)];
/** Every name, attribute and text below an element, as one string (elements link their parent: no JSON.stringify). */
const dump = (n: Node) => JSON.stringify(walk(n).map(e => [e.name, e.attributes, e.text]));
const all = (n: Node, tag: string): Node[] => walk(n).filter(x => x.name === tag);
const one = (n: Node, tag: string): Node => {
  const found = all(n, tag);
  expect(found).toHaveLength(1);
  return found[0];
};
const section = (doc: Node, name: string) => doc.children.find(c => c.name === name)!;
const variableSet = (n: Node, name: string) =>
  all(n, "set-variable")
    .filter(v => v.attributes.name === name)
    .map(v => v.attributes.value);
/** Every policy expression of a document: attribute values and texts starting with `@(` or `@{`. */
const expressions = (doc: Node) =>
  walk(doc)
    .flatMap(n => [...Object.values(n.attributes), n.text])
    .filter(v => /^@[({]/.test(v));

/**
 * Runs the walk steps (each a `when` holding a send-request) of a document section the way APIM runs
 * them: in document order, a step whose condition holds sends and sets `attempt-status`. The conditions
 * are read from the parsed XML and evaluated after a literal translation of the few C# forms they use.
 * `answers` gives each backend's status, 0 for no answer. Returns the backends tried, in order.
 */
function runWalk(section: Node, vars: Record<string, string>, answers: (backend: string) => number): string[] {
  const tried: string[] = [];
  let status = -1;
  for (const w of all(section, "when").filter(x => x.children.some(c => c.name === "send-request"))) {
    const js = w.attributes.condition
      .replace(/^@\(([\s\S]*)\)$/, "$1")
      .replace(/\(string\)context\.Variables\["([^"]+)"\]/g, (_, n) => JSON.stringify(vars[n] ?? ""))
      .replace(/context\.Variables\.GetValueOrDefault<int>\("attempt-status", -1\)/g, "status")
      .replace(/int\.Parse\(/g, "Number(")
      .replace(/\.Contains\(/g, ".includes(");
    expect(js).not.toMatch(/context\./);
    if (!new Function("status", `return ${js};`)(status)) continue;
    const backend = variableSet(w, "served-by")[0];
    tried.push(backend);
    status = answers(backend);
  }
  return tried;
}

const ENTRA = {
  kind: "entra" as const,
  tenantId: "tenant-guid",
  audiences: ["api://aoai-bcdr-prod-gateway", "11111111-2222-4333-8444-555555555555"],
  clientApplicationIds: ["3f1c2a4e-0b1d-4c8e-9a6f-1d2e3f4a5b61"],
  rolePrefix: "app.",
};

async function inputOf(stack: string, edit?: (v: any) => void): Promise<ApiPolicyInput> {
  const values = stackValues(stack);
  edit?.(values);
  const { config, capacities } = await validateStack(values);
  const topology = buildTopology(config, capacities);
  return {
    strategy: config.gateway.strategy,
    callerAuth: config.gateway.callerAuth === "entra" ? ENTRA : { kind: "subscription-key" },
    backendAuth: config.openai.auth,
    applications: policyApplications(config.applications),
    chains: gatewayChains(config, topology),
    retryAfterSeconds: 7,
    ptuBudget: { 2: config.gateway.ptuBudget.priority2, 3: config.gateway.ptuBudget.priority3 },
    exposeBackendNames: config.gateway.exposeBackendNames,
  };
}

/** The four documents the issue names: dev, prod, prod with send-request, prod with subscription keys. */
const variants: Record<string, { input: ApiPolicyInput; xml: string; doc: Node }> = {};
beforeAll(async () => {
  const inputs: Record<string, ApiPolicyInput> = {
    dev: await inputOf("dev"),
    prod: await inputOf("prod"),
    "prod send-request": await inputOf("prod", v => {
      v.gateway.strategy = "send-request";
    }),
    "prod subscription-key": await inputOf("prod", v => {
      v.gateway.callerAuth = "subscription-key";
    }),
  };
  for (const [name, input] of Object.entries(inputs)) {
    const xml = buildApiPolicy(input);
    variants[name] = { input, xml, doc: parse(xml) };
  }
});
const VARIANTS = ["dev", "prod", "prod send-request", "prod subscription-key"];

describe.each(VARIANTS)("every document (%s)", name => {
  test("parses, has the four sections in order, each extending the global policy but backend", () => {
    const { doc } = variants[name];
    expect(doc.children.map(c => c.name)).toEqual(["inbound", "backend", "outbound", "on-error"]);
    for (const s of doc.children.filter(c => c.name !== "backend")) expect(s.children[0].name).toBe("base");
  });

  test("uses only types and members on APIM's allowed list in every expression", () => {
    const found = expressions(variants[name].doc);
    expect(found.length).toBeGreaterThan(10);
    expect(found.flatMap(e => expressionProblems(e).map(p => `${p}\n  in ${e}`))).toEqual([]);
  });

  test("has no empty attribute and no choose without a when (APIM refuses both)", () => {
    const { doc } = variants[name];
    for (const n of walk(doc))
      for (const [k, v] of Object.entries(n.attributes)) expect(`${n.name}@${k}=${v}`).not.toMatch(/=$/);
    for (const c of all(doc, "choose")) expect(c.children.some(w => w.name === "when")).toBe(true);
    // validate-azure-ad-token needs at least one application-id and one audience.
    for (const list of ["client-application-ids", "audiences", "required-claims"])
      for (const c of all(doc, list)) expect(c.children.length).toBeGreaterThan(0);
  });

  test("never forwards the caller's credentials, and removes them before the gateway's own", () => {
    const inbound = section(variants[name].doc, "inbound");
    const deleted = inbound.children
      .filter(c => c.name === "set-header" && c.attributes["exists-action"] === "delete")
      .map(c => c.attributes.name);
    expect(deleted).toEqual(["api-key", "Ocp-Apim-Subscription-Key", "Authorization"]);
    const tags = inbound.children.map(c => c.name);
    const lastDelete = tags.lastIndexOf("set-header");
    if (tags.includes("validate-azure-ad-token"))
      expect(tags.indexOf("validate-azure-ad-token")).toBeLessThan(lastDelete);
    if (tags.includes("authentication-managed-identity"))
      expect(tags.indexOf("authentication-managed-identity")).toBeGreaterThan(lastDelete);
  });

  test("reports the application's budget under the gateway's own header, not Azure OpenAI's", () => {
    const limits = all(variants[name].doc, "azure-openai-token-limit").filter(
      l => l.attributes["remaining-tokens-header-name"],
    );
    expect(limits.length).toBeGreaterThan(0);
    for (const l of limits) expect(l.attributes["remaining-tokens-header-name"]).toBe(REMAINING_TOKENS_HEADER);
    expect(variants[name].xml).not.toContain("x-ratelimit-remaining-tokens");
  });

  test("turns every way of getting no answer into the clean 503, by documented LastError values only", () => {
    const onError = section(variants[name].doc, "on-error");
    const condition = onError.children[1].children[0].attributes.condition;
    expect(condition).toContain('context.LastError.Reason == "Timeout"');
    expect(condition).toContain('context.LastError.Reason == "BackendConnectionFailure"');
    expect(condition).toContain('context.LastError.Section == "backend"');
    expect(variants[name].xml).not.toContain("LastError.Source");
    const last = all(onError, "return-response").at(-1)!;
    expect(one(last, "set-status").attributes.code).toBe("503");
    expect(all(last, "set-header").map(h => h.attributes.name)).toContain("Retry-After");
  });

  test("routes by the deployment in the path or the body, and answers 404 listing the models otherwise", () => {
    const inbound = section(variants[name].doc, "inbound");
    expect(variableSet(inbound, "deployment")).toEqual([DEPLOYMENT_EXPRESSION]);
    expect(variants[name].xml).not.toContain("MatchedParameters");
    const notFound = all(inbound, "return-response").find(r => one(r, "set-status").attributes.code === "404")!;
    const models = [...new Set(variants[name].input.chains.map(c => c.deployment))];
    expect(JSON.parse(one(notFound, "set-body").text).error.message).toBe(
      `Unknown deployment. Available: ${models.join(", ")}.`,
    );
  });

  test("sheds nothing by an undocumented header and parses nothing that could throw", () => {
    const { xml } = variants[name];
    for (const gone of [
      "azure-openai-deployment-utilization",
      "double.Parse",
      "cache-lookup-value",
      "cache-store-value",
    ])
      expect(xml).not.toContain(gone);
  });
});

describe("the expression allow-list", () => {
  test("catches the role lookup APIM does not offer (Claims.GetValueOrDefault with an array default)", () => {
    const old =
      '@{ var roles = ((Jwt)context.Variables["caller-token"]).Claims.GetValueOrDefault("roles", new string[0]); return roles.FirstOrDefault(); }';
    expect(expressionProblems(old)).toEqual([
      expect.stringContaining("Claims.GetValueOrDefault takes (string name, string defaultValue)"),
    ]);
  });

  test("catches unknown context members, types off the list, restricted members and bad Body.As types", () => {
    expect(expressionProblems("@(context.Request.Deployment)")).toEqual([
      "context.Request.Deployment is not a documented context member",
    ]);
    expect(expressionProblems('@(System.IO.File.ReadAllText("x"))')).toEqual([
      expect.stringContaining("type System is not allowed"),
    ]);
    expect(expressionProblems('@(Regex.Escape("x"))')).toEqual(["Regex.Escape is not an allowed member"]);
    expect(expressionProblems("@(context.Request.Body.As<Stream>())")).toEqual(
      expect.arrayContaining([expect.stringContaining("Body.As<Stream>: T must be one of")]),
    );
    expect(expressionProblems('@(context.Variables.GetValueOrDefault<object>("x", null))')).toEqual([
      expect.stringContaining("type object"),
    ]);
    // A cast binds after member access: (string)context.Variables["t"].Split(',') calls Split on object.
    expect(expressionProblems("@((string)context.Variables[\"t\"].Split(','))")).toEqual([
      expect.stringContaining("parenthesize the cast"),
    ]);
  });
});

describe("caller identification (Entra)", () => {
  test("validates both token versions' audiences and the client applications, children in the documented order", () => {
    const token = one(section(variants.prod.doc, "inbound"), "validate-azure-ad-token");
    expect(token.children.map(c => c.name)).toEqual(["client-application-ids", "audiences", "required-claims"]);
    expect(all(token, "application-id").map(a => a.text)).toEqual(ENTRA.clientApplicationIds);
    expect(all(token, "audience").map(a => a.text)).toEqual(ENTRA.audiences);
    expect(one(token, "claim").attributes).toMatchObject({ name: "roles", match: "any" });
  });

  /** Runs the generated role mapping (an ordered list of `if (roles.Contains(role)) return app;`) on a role list. */
  function mapRoles(expression: string, roles: string[]): string {
    const rules = [...expression.matchAll(/if \(roles\.Contains\("([^"]+)"\)\) \{ return "([^"]+)"; \}/g)].map(m => [
      m[1],
      m[2],
    ]);
    expect(rules.length).toBeGreaterThan(0);
    return rules.find(([role]) => roles.includes(role))?.[1] ?? "";
  }

  test("maps a caller with several app roles to the most critical application, then by name, whatever the claim order", async () => {
    const mapping = variableSet(section(variants.prod.doc, "inbound"), "application")[0];
    for (const roles of [
      ["app.hr-chatbot", "app.doc-search", "app.fraud-scoring"],
      ["app.fraud-scoring", "app.doc-search", "app.hr-chatbot"],
    ]) {
      expect(mapRoles(mapping, roles)).toBe("fraud-scoring");
    }
    expect(mapRoles(mapping, ["app.claims-assistant", "app.fraud-scoring"])).toBe("claims-assistant");
    expect(mapRoles(mapping, ["app.doc-search", "app.hr-chatbot"])).toBe("doc-search");
    expect(mapRoles(mapping, ["other"])).toBe("");
    // The listing order of the applications does not change the mapping.
    const reversed = { ...variants.prod.input, applications: [...variants.prod.input.applications].reverse() };
    expect(variableSet(section(parse(buildApiPolicy(reversed)), "inbound"), "application")[0]).toBe(mapping);
  });
});

describe("zero applications (the default)", () => {
  test.each(["entra", "subscription-key"] as const)(
    "a valid document that refuses every caller with 403 (%s)",
    async auth => {
      // No application, so no client application id: there is nothing validate-azure-ad-token could accept.
      const input = {
        ...variants.prod.input,
        applications: [],
        callerAuth: auth === "entra" ? { ...ENTRA, clientApplicationIds: [] } : { kind: "subscription-key" as const },
      };
      const doc = parse(buildApiPolicy(input));
      for (const c of all(doc, "choose")) expect(c.children.some(w => w.name === "when")).toBe(true);
      expect(all(doc, "validate-azure-ad-token")).toEqual([]);
      const refusal = section(doc, "inbound").children.find(c => c.name === "return-response")!;
      expect(one(refusal, "set-status").attributes.code).toBe("403");
      expect(one(refusal, "set-body").text).toContain("aoai-bcdr:applications");
      expect(expressions(doc).flatMap(expressionProblems)).toEqual([]);
    },
  );
});

describe("backend-pool strategy (prod)", () => {
  test("retries 408, 429 and 5xx, selecting the pool again inside the retry, streaming the answer", () => {
    const retry = one(section(variants.prod.doc, "backend"), "retry");
    expect(retry.attributes.condition).toBe(
      "@(context.Response.StatusCode == 408 || context.Response.StatusCode == 429 || context.Response.StatusCode >= 500)",
    );
    expect(retry.attributes).toMatchObject({
      interval: "0",
      "first-fast-retry": "true",
      count: '@(int.Parse((string)context.Variables["retry-count"]))',
    });
    expect(retry.children.map(c => c.name).slice(0, 3)).toEqual([
      "set-backend-service",
      "set-variable",
      "forward-request",
    ]);
    expect(retry.children[0].attributes["backend-id"]).toBe('@((string)context.Variables["chain-pool"])');
    expect(retry.children[2].attributes).toMatchObject({ "buffer-request-body": "true", "buffer-response": "false" });
  });

  test("sizes the retry budget per chain (one retry per further backend) and bounds each attempt by its tier's timeout", () => {
    const inbound = section(variants.prod.doc, "inbound");
    const route = (chain: string) =>
      all(inbound, "when").find(w =>
        w.children.some(c => c.attributes.name === "chain" && c.attributes.value === chain),
      )!;
    const claims = variants.prod.input.chains.find(c => c.name === "workload-claims")!;
    expect(claims.tiers.map(t => t.role)).toEqual([
      "workload-ptu",
      "enterprise-ptu",
      "standard",
      "standard",
      "standard",
      "standard",
    ]);
    expect(variableSet(route("workload-claims"), "retry-count")[0]).toBe("5");
    expect(variableSet(route("workload-claims"), "tier-timeouts")[0]).toBe("60,60,120,120,120,120");
    expect(variableSet(route("shared-gpt-5-mini"), "retry-count")[0]).toBe(
      String(variants.prod.input.chains.find(c => c.name === "shared-gpt-5-mini")!.tiers.length - 1),
    );
    expect(one(section(variants.prod.doc, "backend"), "forward-request").attributes.timeout).toContain(
      '(string)context.Variables["tier-timeouts"]',
    );
  });

  test("answers 503 with the earliest Retry-After a backend sent, else the configured delay; a final 429 keeps Azure's", () => {
    const outbound = section(variants.prod.doc, "outbound");
    const whens = all(outbound, "when");
    const reply = one(whens[0], "return-response");
    expect(one(reply, "set-status").attributes.code).toBe("503");
    const retryAfter = all(reply, "set-header").find(h => h.attributes.name === "Retry-After")!.children[0].text;
    expect(retryAfter).toContain('"backend-retry-after"');
    expect(retryAfter).toContain('"7"');
    expect(whens[1].children[0].attributes).toMatchObject({ name: "Retry-After", "exists-action": "skip" });
    expect(variableSet(section(variants.prod.doc, "backend"), "backend-retry-after")[0]).toContain("int.TryParse");
  });

  test("sheds priority-2 and -3 callers by a per-PTU token budget, counting only what each PTU deployment answered", () => {
    const { doc, input } = variants.prod;
    const inbound = section(doc, "inbound");
    const route = (chain: string) =>
      all(inbound, "when").find(w =>
        w.children.some(c => c.attributes.name === "chain" && c.attributes.value === chain),
      )!;
    const key = (backend: string) => `@("ptu-budget:${backend}:priority-" + (string)context.Variables["app-priority"])`;
    for (const chain of input.chains.filter(c => c.firstPtu)) {
      const ptus = chain.tiers.filter(t => t.role !== "standard");
      const counters = all(route(chain.name), "rate-limit-by-key");
      // One counter per PTU deployment the chain reaches (a workload chain spills into the enterprise PTU too),
      // keyed by that deployment, incremented only when that deployment answered, by the tokens Azure reported.
      expect(counters.map(c => c.attributes["counter-key"])).toEqual(ptus.map(t => key(t.backendId)));
      counters.forEach((c, i) => {
        expect(c.attributes["increment-condition"]).toBe(
          `@(context.Variables.GetValueOrDefault<string>("served-by", "") == "${ptus[i].backendId}" && context.Response.StatusCode < 400)`,
        );
        expect(c.attributes["increment-count"]).toBe(
          '@(context.Variables.GetValueOrDefault<int>("tokens-consumed", 0))',
        );
        expect(c.attributes.calls).toBe(String(SHED_COUNTER_LIMIT));
      });
      // The decision reads the first PTU's counter only.
      expect(counters.map(c => c.attributes["remaining-calls-variable-name"])).toEqual([
        "ptu-budget-remaining",
        ...ptus.slice(1).map(() => undefined),
      ]);
      // Nothing counts a request against a PTU when it arrives (the defect: shed requests kept the counter above budget).
      const measure = one(route(chain.name), "azure-openai-token-limit");
      expect(measure.attributes).toMatchObject({
        "counter-key": '@("ptu-tokens:" + (string)context.Variables["application"])',
        "tokens-consumed-variable-name": "tokens-consumed",
      });
      expect(measure.attributes["remaining-tokens-variable-name"]).toBeUndefined();
    }
    // The enterprise PTU's key is shared by every chain that reaches it: one counter per deployment, not per chain.
    const enterprise = input.chains.flatMap(c => c.tiers).find(t => t.role === "enterprise-ptu")!.backendId;
    expect(all(inbound, "rate-limit-by-key").filter(c => c.attributes["counter-key"] === key(enterprise)).length).toBe(
      input.chains.filter(c => c.firstPtu).length,
    );
    // The answering backend: the pool's forward (by host), or the walk's own choice.
    const retry = one(section(doc, "backend"), "retry");
    expect(variableSet(retry, "served-by")[0]).toContain(`return "${enterprise}";`);
    // Enterprise PTU: 100 PTU x 1500 (priority 2) and x 750 (priority 3) tokens per minute.
    const shed = all(inbound, "when").find(
      w => w.attributes.condition.includes("ptu-budget-remaining") && w.attributes.condition.includes("150000L"),
    )!;
    expect(shed.attributes.condition).toContain("75000L");
    expect(shed.attributes.condition).toContain("long.TryParse");
    expect(variableSet(shed, "chain-pool")).toEqual(["pool-standard-gpt-5.1"]);
    // Pool answers carry usage; under send-request none can be read, so the measure estimates the prompt there.
    const measures = (d: Node) =>
      all(section(d, "inbound"), "azure-openai-token-limit").filter(l =>
        l.attributes["counter-key"].startsWith('@("ptu-tokens:'),
      );
    expect(measures(doc).map(m => m.attributes["estimate-prompt-tokens"])).toEqual(measures(doc).map(() => "false"));
    expect(measures(variants["prod send-request"].doc).map(m => m.attributes["estimate-prompt-tokens"])).toEqual(
      measures(variants["prod send-request"].doc).map(() => "true"),
    );
    expect(measures(variants["prod send-request"].doc).length).toBeGreaterThan(0);
    // The walk (send-request, or the pool's on-error fallback) starts at the first standard tier.
    expect(variableSet(shed, "first-tier")).toEqual(["1"]);
    // Priority 1 is never counted nor shed.
    const counted = all(inbound, "when").find(w => w.children.some(c => c.name === "rate-limit-by-key"))!;
    expect(counted.attributes.condition).toBe('@((string)context.Variables["app-priority"] != "1")');
  });

  test("tells callers which account answered only when the stack exposes names", () => {
    expect(all(section(variants.prod.doc, "outbound"), "set-header").map(h => h.attributes.name)).not.toContain(
      "X-Served-By",
    );
    const exposed = parse(buildApiPolicy({ ...variants.prod.input, exposeBackendNames: true }));
    // Pool answers: no documented value names the member that answered, so no X-Served-By there (review item 9);
    // the on-error walk's answers name the tier the policy chose itself.
    expect(all(section(exposed, "outbound"), "set-header").map(h => h.attributes.name)).not.toContain("X-Served-By");
    expect(dump(exposed)).not.toContain("Url.Host.Split");
    const walked = all(section(exposed, "on-error"), "set-header").filter(h => h.attributes.name === "X-Served-By");
    expect(walked.map(h => h.children[0].text)).toEqual([
      '@((string)context.Variables["served-by"])',
      '@((string)context.Variables["served-by"])',
    ]);
  });

  test("calls OpenAI with the gateway's managed identity; key mode uses Key Vault-backed named values, never a literal key", async () => {
    expect(one(section(variants.prod.doc, "inbound"), "authentication-managed-identity").attributes.resource).toBe(
      "https://cognitiveservices.azure.com",
    );
    expect(referencedNamedValues(variants.prod.xml).every(n => n.startsWith("openai-endpoint-"))).toBe(true);
    const keys = parse(
      buildApiPolicy(
        await inputOf("prod", v => {
          v.openai = { auth: "keys" };
        }),
      ),
    );
    expect(all(keys, "authentication-managed-identity")).toEqual([]);
    // The forward carries the backend's own credentials; only the on-error replay names keys, by named value.
    expect(
      all(section(keys, "inbound"), "set-header")
        .filter(h => h.attributes.name === "api-key")
        .map(h => h.attributes["exists-action"]),
    ).toEqual(["delete"]);
    const sent = all(section(keys, "on-error"), "set-header").filter(h => h.attributes.name === "api-key");
    expect(sent.length).toBeGreaterThan(0);
    for (const h of sent) expect(h.children[0].text).toMatch(/^\{\{openai-key-[a-z0-9-]+\}\}$/);
  });

  test("hands a request that got no answer to the other tiers of its chain, skipping the one that failed, each bounded by its own timeout", () => {
    const { doc, input } = variants.prod;
    const claims = input.chains.find(c => c.name === "workload-claims")!;
    const onError = section(doc, "on-error");
    const steps = all(onError, "when").filter(
      w => w.attributes.condition.includes('"workload-claims"') && w.children.some(c => c.name === "send-request"),
    );
    // The first tier (priority 1, alone) is never after a failed one: the walk covers the others.
    expect(steps.map(s => one(s, "send-request").attributes.timeout)).toEqual(
      claims.tiers.slice(1).map(t => String(t.timeoutSeconds)),
    );
    const ptu = claims.tiers.filter(t => t.role !== "standard").length;
    const standard = claims.tiers.slice(ptu).map(t => t.backendId);
    const vars = (failed: number) => ({ chain: "workload-claims", "first-tier": "0", "failed-tier": String(failed) });
    // The review's eastus2 outage: claims PTU timed out (failed-tier 0), enterprise PTU 429, the first standard tier
    // gets no answer (status 0): the walk goes on to the next standard tier and is served there.
    const dead = new Set([standard[0]]);
    const tried = runWalk(onError, vars(0), b => (b.startsWith("enterprise-ptu--") ? 429 : dead.has(b) ? 0 : 200));
    expect(tried.slice(0, 3)).toEqual([claims.tiers[1].backendId, standard[0], standard[1]]);
    // Two dead tiers in a row: the third gets it.
    const two = new Set([claims.tiers[1].backendId, standard[0]]);
    expect(runWalk(onError, vars(0), b => (two.has(b) ? 0 : 200))).toEqual([
      claims.tiers[1].backendId,
      standard[0],
      standard[1],
    ]);
    // Weighted standard tiers share a priority: when the pool sent the attempt to a later one, the walk skips it,
    // never replays the dead tier, and still tries the others of its priority.
    const failedStd = ptu + 1;
    const fromSecond = runWalk(onError, vars(failedStd), () => 0);
    expect(fromSecond).not.toContain(claims.tiers[failedStd].backendId);
    expect(fromSecond).toEqual(
      claims.tiers
        .filter((t, i) => i !== failedStd && t.priority >= claims.tiers[failedStd].priority)
        .map(t => t.backendId),
    );
    // The failed tier is told by the forwarded host, matched against each tier's endpoint, else by the attempt count.
    const failed = variableSet(onError, "failed-tier")[0];
    claims.tiers.forEach((t, i) =>
      expect(failed).toContain(
        `if (chain == "workload-claims" && "{{${t.endpointNamedValue}}}".ToLowerInvariant().Contains(host)) { return "${i}"; }`,
      ),
    );
    // Counted from the first tier of the pool in use: a shed caller's pool is the standard tiers only.
    expect(failed).toContain(
      'return (int.Parse((string)context.Variables["first-tier"]) + Math.Min(int.Parse((string)context.Variables["attempt"]), tiers.Length - 1)).ToString();',
    );
    // The attempt counter moves only after an answer, so on error it names the attempt that got none.
    const retry = one(section(doc, "backend"), "retry");
    expect(retry.children.map(c => c.name)).toEqual([
      "set-backend-service",
      "set-variable",
      "forward-request",
      "set-variable",
      "set-variable",
      "set-variable",
      "set-variable",
    ]);
    expect(retry.children[5].attributes.name).toBe("attempt");
    expect(variableSet(section(doc, "inbound"), "request-body")).toHaveLength(1);
  });

  test("each attempt waits the longest timeout of the tiers at its priority (a weighted pool may reach any of them)", async () => {
    const input = await inputOf("prod", v => {
      v.gateway.tierTimeoutSeconds = { workloadPtu: 30, enterprisePtu: 45, standard: 90 };
    });
    const mixed = {
      ...input,
      chains: input.chains.map(c => ({
        ...c,
        tiers: c.tiers.map((t, i) => (i === 1 ? { ...t, priority: c.tiers[0].priority } : t)),
      })),
    };
    const inbound = section(parse(buildApiPolicy(mixed)), "inbound");
    const claims = all(inbound, "when").find(w =>
      w.children.some(c => c.attributes.name === "chain" && c.attributes.value === "workload-claims"),
    )!;
    const tiers = mixed.chains.find(c => c.name === "workload-claims")!.tiers;
    expect(variableSet(claims, "tier-timeouts")[0]).toBe(
      `45,45,${tiers
        .slice(2)
        .map(() => 90)
        .join(",")}`,
    );
  });

  test("replays only what it can replay whole: before any answer arrived, JSON bodies only, with the caller's headers minus credentials", () => {
    const { doc } = variants.prod;
    const onError = section(doc, "on-error");
    const guard = all(onError, "when").find(w => w.children.some(c => c.attributes.name === "failed-tier"))!;
    // A stream cut after the headers (awaiting-answer false) or a multipart body is never replayed.
    expect(guard.attributes.condition).toBe(
      '@((string)context.Variables["awaiting-answer"] == "true" && (string)context.Variables["replayable"] == "true")',
    );
    const retry = one(section(doc, "backend"), "retry");
    expect(retry.children.filter(c => c.attributes.name === "awaiting-answer").map(c => c.attributes.value)).toEqual([
      "true",
      "false",
    ]);
    const inbound = section(doc, "inbound");
    expect(variableSet(inbound, "replayable")[0]).toContain('type.Contains("json")');
    expect(variableSet(inbound, "request-body")[0]).toContain(
      '!((string)context.Variables["replayable"] == "true") ? string.Empty',
    );
    for (const send of all(onError, "send-request")) {
      const names = all(send, "set-header").map(h => h.attributes.name);
      expect(names).toEqual(expect.arrayContaining(["Content-Type", "Accept", "OpenAI-Beta"]));
      for (const credential of ["Authorization", "Ocp-Apim-Subscription-Key"]) expect(names).not.toContain(credential);
    }
  });
});

describe("send-request strategy (prod)", () => {
  const doc = () => variants["prod send-request"].doc;

  test("captures the body, and the path and query without the caller's key, in inbound; never forwards through a breaker", () => {
    const path = variableSet(section(doc(), "inbound"), "request-path")[0];
    expect(path).toContain(
      '.Where(p => p.Key.ToLowerInvariant() != "api-key" && p.Key.ToLowerInvariant() != "subscription-key")',
    );
    expect(path).not.toContain("QueryString");
    expect(variableSet(section(doc(), "inbound"), "request-body")).toHaveLength(1);
    // A body that is not JSON is refused with 415 rather than replayed as corrupt text.
    const refusal = all(section(doc(), "backend"), "when").find(w => w.attributes.condition.includes("replayable"))!;
    expect(one(refusal, "set-status").attributes.code).toBe("415");
    expect(all(doc(), "forward-request")).toEqual([]);
    expect(all(doc(), "retry")).toEqual([]);
    for (const s of ["backend", "outbound"]) expect(dump(section(doc(), s))).not.toContain("Body.As");
  });

  test("walks every tier with a new request in the documented child order, bounded by the tier's timeout, no answer counting as failure", () => {
    const { input } = variants["prod send-request"];
    const sends = all(section(doc(), "backend"), "send-request");
    expect(sends).toHaveLength(input.chains.reduce((n, c) => n + c.tiers.length, 0));
    const claims = input.chains.find(c => c.name === "workload-claims")!;
    const steps = all(section(doc(), "backend"), "when").filter(w =>
      w.attributes.condition.includes('"workload-claims"'),
    );
    expect(steps.map(s => one(s, "send-request").attributes.timeout)).toEqual(
      claims.tiers.map(t => String(t.timeoutSeconds)),
    );
    expect(steps.map(s => one(s, "set-url").text)).toEqual(
      claims.tiers.map(t => `@("{{${t.endpointNamedValue}}}" + (string)context.Variables["request-path"])`),
    );
    for (const s of sends) {
      expect(s.attributes).toMatchObject({ mode: "new", "ignore-error": "true" });
      expect(s.children.map(c => c.name)).toEqual([
        "set-url",
        "set-method",
        ...Array(5).fill("set-header"),
        "set-body",
        "authentication-managed-identity",
      ]);
    }
    expect(variableSet(steps[0], "attempt-status")[0]).toContain("== null ? 0 :");
    // A dead first tier (no answer, status 0) hands over to the next: two dead tiers in a row, the third answers.
    const vars = { chain: "workload-claims", "first-tier": "0" };
    const dead = new Set(claims.tiers.slice(0, 2).map(t => t.backendId));
    expect(runWalk(section(doc(), "backend"), vars, b => (dead.has(b) ? 0 : 200))).toEqual(
      claims.tiers.slice(0, 3).map(t => t.backendId),
    );
    // Good answers stop the walk; 429 and 5xx move it on.
    expect(runWalk(section(doc(), "backend"), vars, b => (dead.has(b) ? 503 : 200))).toHaveLength(3);
    expect(runWalk(section(doc(), "backend"), vars, () => 200)).toHaveLength(1);
  });

  test("returns the first good answer, Azure's last 429, or the clean 503 (never a raw 5xx)", () => {
    // Inside the 415 refusal's otherwise: the last choose of the walk.
    const final = section(doc(), "backend").children[0].children.at(-1)!.children.at(-1)!;
    const [good, throttled] = final.children.filter(c => c.name === "when");
    expect(good.attributes.condition).toContain("> 0 && !(");
    expect(one(good, "return-response").attributes["response-variable-name"]).toBe("attempt-response");
    expect(throttled.attributes.condition).toBe(
      '@(context.Variables.GetValueOrDefault<int>("attempt-status", -1) == 429)',
    );
    const otherwise = final.children.find(c => c.name === "otherwise")!;
    expect(one(otherwise, "set-status").attributes.code).toBe("503");
  });

  test("sends each next account's Key Vault-backed key in key mode, after the body", async () => {
    const sends = all(
      parse(
        buildApiPolicy(
          await inputOf("prod", v => {
            v.gateway.strategy = "send-request";
            v.openai = { auth: "keys" };
          }),
        ),
      ),
      "send-request",
    );
    for (const s of sends) {
      expect(s.children.map(c => c.name)).toEqual([
        "set-url",
        "set-method",
        ...Array(6).fill("set-header"),
        "set-body",
      ]);
      expect(s.children[7].children[0].text).toMatch(/^\{\{openai-key-[a-z0-9-]+\}\}$/);
    }
  });
});

describe("chains", () => {
  test("one backend per (account, deployment), each tier timed by its role", () => {
    const claims = variants.prod.input.chains.find(c => c.name === "workload-claims")!;
    expect(claims.tiers.map(t => t.backendId)).toEqual([
      "workload-claims--gpt-5.1",
      "enterprise-ptu--gpt-5.1",
      ...claims.tiers.slice(2).map(t => `${t.account}--gpt-5.1`),
    ]);
    expect(claims.firstPtu).toEqual({ backendId: "workload-claims--gpt-5.1", units: 50 });
    expect(variants.prod.input.chains.find(c => c.name === "shared-gpt-5-mini")!.firstPtu).toBeUndefined();
  });
});

describe("behind Front Door", () => {
  test("only requests carrying this Front Door's id in X-Azure-FDID pass", () => {
    const check = one(
      section(parse(buildApiPolicy({ ...variants.dev.input, frontDoorIdNamedValue: "front-door-id" })), "inbound"),
      "check-header",
    );
    expect(check.attributes).toMatchObject({ name: "X-Azure-FDID", "failed-check-httpcode": "403" });
    expect(one(check, "value").text).toBe("{{front-door-id}}");
    expect(all(variants.dev.doc, "check-header")).toEqual([]);
  });
});

describe("the deployment expression", () => {
  const pattern = new RegExp(
    /Regex\.Match\(context\.Request\.OriginalUrl\.Path, "([^"]+)"\)/.exec(DEPLOYMENT_EXPRESSION)![1],
  );
  test.each([
    ["/openai/deployments/gpt-5.1/chat/completions", "gpt-5.1"],
    ["/openai/deployments/gpt-5/responses", "gpt-5"],
    ["/openai/deployments/whisper/audio/transcriptions", "whisper"],
    ["/openai/v1/chat/completions", undefined],
    ["/openai/responses", undefined],
  ])("%s -> %s from the path (else the body's model)", (path, name) => {
    expect(pattern.exec(path)?.[1]).toBe(name);
  });
});
