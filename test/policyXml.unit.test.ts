import { XMLValidator } from "fast-xml-parser";
import {
  ApiPolicyInput,
  REMAINING_TOKENS_HEADER,
  buildApiPolicy,
  referencedNamedValues,
} from "../infra/gateway/policy";
import { DEPLOYMENT_EXPRESSION, SHED_COUNTER_LIMIT, stepList } from "../infra/gateway/policy/routing";
import { expressionProblems } from "./apimExpressions";
import { policyTree } from "./support";
import { EvalContext, evaluate } from "./policyEval";
import { ENTRA, Node, all, expressions, policyInput, section, variableSet, walk } from "./policyInput";

function parse(xml: string): Node {
  expect(XMLValidator.validate(xml)).toBe(true);
  return policyTree(xml);
}

/** Every name, attribute and text below an element, as one string (elements link their parent: no JSON.stringify). */
const dump = (n: Node) => JSON.stringify(walk(n).map(e => [e.name, e.attributes, e.text]));
const one = (n: Node, tag: string): Node => {
  const found = all(n, tag);
  expect(found).toHaveLength(1);
  return found[0];
};

/** What a walk expression reads besides the variables: the response status, the elapsed time, the last error. */
type Env = Pick<EvalContext, "status" | "elapsed" | "source" | "reason">;
/** The walk's expressions, evaluated with the tests' one C# translation (./policyEval.ts). */
const evalCs = (expression: string, variables: Record<string, string>, env: Env = {}) =>
  evaluate(expression, { variables, ...env });

/** What a backend does with one attempt: its status, after `seconds`; longer than the attempt's timeout is a Timeout. */
type Answer = { readonly status: number; readonly seconds?: number };

/**
 * Runs the backend section's retry as APIM does: the children in order, the first time and then while the
 * condition holds, at most `count` more times. A forward that outlasts its timeout ends the walk with a
 * Timeout (processing jumps to on-error). Returns the backends tried, each attempt's timeout, and the end.
 */
function runWalk(doc: Node, steps: string, answer: (backend: string) => Answer, stream = false) {
  const retry = one(section(doc, "backend"), "retry");
  const vars: Record<string, string> = { steps, stream: String(stream), step: "-1" };
  const tried: string[] = [];
  const timeouts: number[] = [];
  let elapsed = 0;
  let status = 0;
  const count = Number(evalCs(retry.attributes.count, vars));
  for (let attempt = 0; attempt <= count; attempt++) {
    if (attempt > 0 && !evalCs(retry.attributes.condition, vars, { status, elapsed })) break;
    for (const child of retry.children) {
      // The Retry-After bookkeeping reads headers: not part of where the walk goes.
      if (child.name === "set-variable" && child.attributes.name !== "backend-retry-after")
        vars[child.attributes.name] = String(evalCs(child.attributes.value, vars));
      if (child.name === "set-backend-service") tried.push(String(evalCs(child.attributes["backend-id"], vars)));
      if (child.name === "forward-request") {
        const timeout = Number(evalCs(child.attributes.timeout, vars, { elapsed }));
        timeouts.push(timeout);
        const a = answer(tried.at(-1)!);
        if ((a.seconds ?? 0) >= timeout) return { tried, timeouts, vars, end: "Timeout", elapsed: elapsed + timeout };
        elapsed += a.seconds ?? 0;
        status = a.status;
      }
    }
  }
  return { tried, timeouts, vars, end: status, elapsed };
}

/** The documents: dev, prod, prod with subscription keys. */
const variants: Record<string, { input: ApiPolicyInput; xml: string; doc: Node }> = {};
beforeAll(async () => {
  const inputs: Record<string, ApiPolicyInput> = {
    dev: await policyInput("dev"),
    prod: await policyInput("prod"),
    "prod subscription-key": await policyInput("prod", v => {
      v.gateway.callerAuth = "subscription-key";
    }),
  };
  for (const [name, input] of Object.entries(inputs)) {
    const xml = buildApiPolicy(input);
    variants[name] = { input, xml, doc: parse(xml) };
  }
});
const VARIANTS = ["dev", "prod", "prod subscription-key"];

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

  test("sends no request of its own anywhere: no send-request, so every answer streams and passes outbound", () => {
    expect(variants[name].xml).not.toContain("send-request");
    expect(all(variants[name].doc, "forward-request")).toHaveLength(1);
  });

  test("on-error acts only on forward-request's Timeout and BackendConnectionFailure, with a clean 503 and no replay", () => {
    const onError = section(variants[name].doc, "on-error");
    expect(onError.children.map(c => c.name)).toEqual(["base", "choose"]);
    const when = onError.children[1].children[0];
    const acts = (source: string, reason: string) => evalCs(when.attributes.condition, {}, { source, reason });
    expect(acts("forward-request", "Timeout")).toBe(true);
    expect(acts("forward-request", "BackendConnectionFailure")).toBe(true);
    // The caller left: APIM's own handling only (no suspect mark, no answer of ours).
    expect(acts("forward-request", "ClientConnectionFailure")).toBe(false);
    expect(acts("validate-azure-ad-token", "TokenNotPresent")).toBe(false);
    expect(acts("send-request", "Timeout")).toBe(false);
    for (const never of ["send-request", "forward-request", "retry"]) expect(all(onError, never)).toEqual([]);
    const replies = all(when, "return-response");
    expect(replies.map(r => JSON.parse(one(r, "set-body").text).error.code)).toEqual([
      "BackendTimeout",
      "BackendUnreachable",
    ]);
    for (const r of replies) {
      expect(one(r, "set-status").attributes.code).toBe("503");
      const headers = Object.fromEntries(all(r, "set-header").map(h => [h.attributes.name, h.children[0]?.text]));
      expect(headers).toMatchObject({ "Retry-After": "1", "retry-after-ms": "1000" });
    }
  });

  test("routes by the deployment in the path or the body, and answers 404 listing the models otherwise", () => {
    const inbound = section(variants[name].doc, "inbound");
    expect(variableSet(inbound, "deployment")).toEqual([DEPLOYMENT_EXPRESSION]);
    expect(variants[name].xml).not.toContain("MatchedParameters");
    const notFound = all(inbound, "return-response").find(
      r => one(r, "set-status").attributes.code === "404" && one(r, "set-body").text.includes("DeploymentNotFound"),
    )!;
    const models = [...new Set(variants[name].input.chains.map(c => c.deployment))];
    expect(JSON.parse(one(notFound, "set-body").text).error.message).toBe(
      `Unknown deployment. Available: ${models.join(", ")}.`,
    );
  });

  test("sheds nothing by an undocumented header and parses nothing that could throw", () => {
    const { xml } = variants[name];
    for (const gone of ["azure-openai-deployment-utilization", "double.Parse"]) expect(xml).not.toContain(gone);
    // The cache holds the suspect list only, under one key, in the gateway's own cache.
    for (const c of [...all(variants[name].doc, "cache-lookup-value"), ...all(variants[name].doc, "cache-store-value")])
      expect(c.attributes).toMatchObject({ key: "gateway-suspects", "caching-type": "internal" });
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

  // The application a token maps to: test/callerIdentity.unit.test.ts.
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

describe("the walk (prod)", () => {
  const route = (doc: Node, chain: string) =>
    all(section(doc, "inbound"), "when").find(w =>
      w.children.some(c => c.attributes.name === "chain" && c.attributes.value === chain),
    )!;
  /** The chain's literal `steps`, as its route sets it. */
  const stepsOf = (chain: string) => variableSet(route(variants.prod.doc, chain), "steps")[0];
  const claims = () => variants.prod.input.chains.find(c => c.name === "workload-claims")!;

  test("each chain's steps are one literal, backendId,region,timeoutSeconds,kind per step, in walking order", () => {
    for (const chain of variants.prod.input.chains) {
      const standard = chain.tiers.filter(t => t.role === "standard");
      expect(stepsOf(chain.name)).toBe(
        chain.tiers
          .map(t =>
            [
              t.backendId,
              t.region,
              t.timeoutSeconds,
              t.role !== "standard" ? "P" : standard.length > 1 ? `S${t.weight}` : "S",
            ].join(","),
          )
          .join(";"),
      );
    }
    expect(stepsOf("workload-claims")).toMatch(
      /^workload-claims--gpt-5\.1,eastus2,60,P;enterprise-ptu--gpt-5\.1,westus3,60,P;/,
    );
  });

  test("weighted standard groups: consecutive S<weight> steps of one priority; a second group right after is walked in order", () => {
    const tier = (backendId: string, priority: number, role = "standard" as const) => ({
      backendId,
      account: backendId,
      role,
      region: "eastus2",
      priority,
      weight: 50,
      timeoutSeconds: 120,
    });
    expect(stepList([tier("a", 3), tier("b", 3), tier("c", 4), tier("d", 4)])).toBe(
      "a,eastus2,120,S50;b,eastus2,120,S50;c,eastus2,120,S;d,eastus2,120,S",
    );
    expect(stepList([tier("a", 3), tier("c", 4), tier("d", 4)])).toBe(
      "a,eastus2,120,S;c,eastus2,120,S50;d,eastus2,120,S50",
    );
    // The per-request order: a weighted random first pick in each group (System.Random), then the suspect filter.
    const ordered = variableSet(section(variants.prod.doc, "inbound"), "steps").find(v => v.includes("Random"))!;
    expect(ordered).toContain("new Random().Next(weights.Sum())");
    expect(ordered).toContain("usable.Count > 0 ? usable : ordered");
  });

  test("one forward-request, in one retry, sending each attempt to the backend its step names, streaming the answer", () => {
    const retry = one(section(variants.prod.doc, "backend"), "retry");
    expect(retry.attributes).toMatchObject({ interval: "0", "first-fast-retry": "true" });
    expect(retry.children.map(c => c.name).slice(0, 3)).toEqual([
      "set-variable",
      "set-backend-service",
      "forward-request",
    ]);
    expect(retry.children[2].attributes).toMatchObject({ "buffer-request-body": "true", "buffer-response": "false" });
    expect(evalCs(retry.attributes.count, { steps: stepsOf("workload-claims") })).toBe(claims().tiers.length - 1);
    expect(evalCs(retry.attributes.count, { steps: "a,eastus2,120,S" })).toBe(1);
  });

  test("408 moves to the next step, as 429 and 5xx do; any other answer ends the walk", () => {
    const steps = stepsOf("workload-claims");
    const [ptu, enterprise, std] = claims().tiers.map(t => t.backendId);
    const walk = (first: number) => runWalk(variants.prod.doc, steps, b => ({ status: b === ptu ? first : 200 }));
    for (const status of [408, 429, 500, 503]) expect(walk(status).tried).toEqual([ptu, enterprise]);
    for (const status of [200, 400, 404]) expect(walk(status).tried).toEqual([ptu]);
    const moved = runWalk(variants.prod.doc, steps, b => ({ status: b === std ? 200 : 408 }));
    expect(moved).toMatchObject({ tried: [ptu, enterprise, std], end: 200 });
    expect(moved.vars).toMatchObject({ "served-by": std, "served-region": claims().tiers[2].region, step: "2" });
  });

  test("never retries a step: every attempt takes the next one, and the walk ends with the last", () => {
    const steps = stepsOf("workload-claims");
    const walked = runWalk(variants.prod.doc, steps, () => ({ status: 503 }));
    expect(walked.tried).toEqual(claims().tiers.map(t => t.backendId));
    expect(new Set(walked.tried).size).toBe(walked.tried.length);
    expect(walked.end).toBe(503);
  });

  test("a streamed request waits the first-byte bound per attempt, read from the body's stream flag; others their step's bound", () => {
    const inbound = section(variants.prod.doc, "inbound");
    const stream = variableSet(inbound, "stream");
    expect(stream).toHaveLength(1);
    expect(stream[0]).toContain('context.Request.Body.As<JObject>(preserveContent: true)["stream"]');
    const timeout = one(section(variants.prod.doc, "backend"), "forward-request").attributes.timeout;
    expect(timeout).toContain('(string)context.Variables["stream"] == "true" ? 10 :');
    expect(timeout).toContain("context.Elapsed.TotalSeconds");
    const steps = stepsOf("workload-claims");
    const failing = () => ({ status: 503, seconds: 1 });
    expect(runWalk(variants.prod.doc, steps, failing, true).timeouts).toEqual(claims().tiers.map(() => 10));
    expect(runWalk(variants.prod.doc, steps, failing).timeouts).toEqual(
      claims().tiers.map((t, i) => Math.min(t.timeoutSeconds, 180 - i)),
    );
    // A hung first step costs a streamed caller the first-byte bound, then the on-error 503.
    const hung = runWalk(variants.prod.doc, steps, () => ({ status: 200, seconds: 999 }), true);
    expect(hung).toMatchObject({ tried: [claims().tiers[0].backendId], end: "Timeout", elapsed: 10 });
  });

  test("the chain's deadline caps every attempt and the walk", () => {
    const steps = stepsOf("workload-claims");
    // Every step throttles after 50 s: the third attempt gets what is left (80 s), the fourth 30 s, then the deadline.
    const slow = runWalk(variants.prod.doc, steps, () => ({ status: 429, seconds: 50 }));
    expect(slow.timeouts).toEqual([60, 60, 80, 30]);
    expect(slow).toMatchObject({ end: "Timeout", elapsed: 180 });
    // Less than 1 s left: no further attempt.
    const condition = one(section(variants.prod.doc, "backend"), "retry").attributes.condition;
    expect(evalCs(condition, { steps, step: "0" }, { status: 503, elapsed: 179 })).toBe(true);
    expect(evalCs(condition, { steps, step: "0" }, { status: 503, elapsed: 179.5 })).toBe(false);
    // Every attempt waits at least 1 s.
    const timeout = one(section(variants.prod.doc, "backend"), "forward-request").attributes.timeout;
    expect(evalCs(timeout, { steps, step: "4", stream: "false" }, { elapsed: 200 })).toBe(1);
  });

  test("a step that sent no answer is marked suspect for suspectSeconds; the next requests look the list up first", () => {
    const { doc } = variants.prod;
    const inbound = section(doc, "inbound").children.map(
      c => c.name + (c.attributes.name ? `:${c.attributes.name}` : ""),
    );
    expect(inbound.indexOf("cache-lookup-value")).toBeLessThan(inbound.lastIndexOf("set-variable:steps"));
    const store = one(section(doc, "on-error"), "cache-store-value");
    expect(store.attributes.duration).toBe("30");
    expect(store.attributes.value).toContain("DateTime.UtcNow.AddSeconds(30).Ticks");
    expect(store.attributes.value).toContain(
      "var id = ((string)context.Variables[\"steps\"]).Split(';')[int.Parse((string)context.Variables[\"step\"])].Split(',')[0];",
    );
    // The step in flight is the one the timeout hit: the on-error's id reads the same `step` the forward used.
    const hung = runWalk(doc, stepsOf("workload-claims"), b => ({
      status: 429,
      seconds: b.startsWith("enterprise") ? 99 : 0,
    }));
    expect(hung).toMatchObject({ end: "Timeout", vars: { step: "1" } });
  });

  test("counts a PTU's class budget only on answers of the step the policy sent the request to", () => {
    const { doc, input } = variants.prod;
    const key = (backend: string) => `@("ptu-budget:${backend}:priority-" + (string)context.Variables["app-priority"])`;
    for (const chain of input.chains.filter(c => c.firstPtu)) {
      const ptus = chain.tiers.filter(t => t.role !== "standard");
      // The counters count at the end of outbound (their conditions are expressions); the probe reads in inbound.
      const limits = all(route(doc, chain.name), "rate-limit-by-key");
      const counters = limits.filter(c => c.attributes["increment-condition"] !== "false");
      const [probe] = limits.filter(c => c.attributes["increment-condition"] === "false");
      expect(counters.map(c => c.attributes["counter-key"])).toEqual(ptus.map(t => key(t.backendId)));
      counters.forEach((c, i) => {
        expect(c.attributes["increment-condition"]).toBe(
          `@(context.Variables.GetValueOrDefault<string>("served-by", "") == "${ptus[i].backendId}" && context.Response.StatusCode < 400)`,
        );
        expect(c.attributes["increment-count"]).toBe(
          '@(context.Variables.ContainsKey("tokens-consumed") ? Convert.ToInt32(context.Variables["tokens-consumed"]) : 0)',
        );
        expect(c.attributes.calls).toBe(String(SHED_COUNTER_LIMIT));
        expect(c.attributes["remaining-calls-variable-name"]).toBeUndefined();
      });
      // One probe, on the first PTU's counter, after the counters and before the decision that reads it.
      expect(limits.filter(c => c.attributes["increment-condition"] === "false")).toHaveLength(1);
      expect(probe.attributes).toMatchObject({
        "counter-key": key(ptus[0].backendId),
        "remaining-calls-variable-name": "ptu-budget-remaining",
        calls: String(SHED_COUNTER_LIMIT),
      });
      const measure = one(route(doc, chain.name), "azure-openai-token-limit");
      expect(measure.attributes).toMatchObject({
        "counter-key": '@("ptu-tokens:" + (string)context.Variables["application"])',
        "tokens-consumed-variable-name": "tokens-consumed",
        "estimate-prompt-tokens": "false",
      });
      expect(measure.attributes["remaining-tokens-variable-name"]).toBeUndefined();
      // Shed callers start at the chain's first standard step.
      const shed = all(route(doc, chain.name), "when").find(w =>
        w.attributes.condition.includes("ptu-budget-remaining"),
      )!;
      expect(variableSet(shed, "steps")).toEqual([stepList(chain.tiers.filter(t => t.role === "standard"))]);
    }
    // served-by is the step the policy chose (its steps list), not a host match.
    const retry = one(section(doc, "backend"), "retry");
    expect(variableSet(retry, "served-by")).toEqual([
      "@(((string)context.Variables[\"steps\"]).Split(';')[int.Parse((string)context.Variables[\"step\"])].Split(',')[0])",
    ]);
    expect(dump(doc)).not.toContain("Url.Host");
    // Enterprise PTU: 100 PTU x 1500 (priority 2) and x 750 (priority 3) tokens per minute.
    const shed = all(section(doc, "inbound"), "when").find(
      w => w.attributes.condition.includes("ptu-budget-remaining") && w.attributes.condition.includes("150000L"),
    )!;
    expect(shed.attributes.condition).toContain("75000L");
    expect(shed.attributes.condition).toContain("long.TryParse");
    const counted = all(section(doc, "inbound"), "when").find(w =>
      w.children.some(c => c.name === "rate-limit-by-key"),
    )!;
    expect(counted.attributes.condition).toBe('@((string)context.Variables["app-priority"] != "1")');
  });

  test("X-Served-By names the served step's region; the backend only with exposeBackendNames", () => {
    const servedBy = (doc: Node) =>
      all(section(doc, "outbound"), "set-header").find(h => h.attributes.name === "X-Served-By")!.children[0].text;
    expect(servedBy(variants.prod.doc)).toBe('@((string)context.Variables["served-region"])');
    expect(variants.prod.xml).not.toContain('"served-by"]');
    const exposed = parse(buildApiPolicy({ ...variants.prod.input, exposeBackendNames: true }));
    expect(servedBy(exposed)).toBe(
      '@((string)context.Variables["served-region"] + "/" + (string)context.Variables["served-by"])',
    );
  });

  test("the last step's 503 becomes the clean 503 with the earliest Retry-After seen; a final 429 keeps Azure's", () => {
    const outbound = section(variants.prod.doc, "outbound");
    // The status choice (the route hint of stored objects has its own: storedObjects.unit.test.ts).
    const whens = all(outbound, "when").filter(w => w.attributes.condition.includes("StatusCode"));
    expect(whens.map(w => w.attributes.condition)).toEqual([
      "@(context.Response.StatusCode == 503)",
      "@(context.Response.StatusCode == 429)",
    ]);
    const reply = one(whens[0], "return-response");
    expect(one(reply, "set-status").attributes.code).toBe("503");
    expect(JSON.parse(one(reply, "set-body").text).error.code).toBe("AllBackendsUnavailable");
    const retryAfter = all(reply, "set-header").find(h => h.attributes.name === "Retry-After")!.children[0].text;
    expect(retryAfter).toContain('"backend-retry-after"');
    expect(retryAfter).toContain('"7"');
    expect(whens[1].children[0].attributes).toMatchObject({ name: "Retry-After", "exists-action": "skip" });
    expect(variableSet(section(variants.prod.doc, "backend"), "backend-retry-after")[0]).toContain("int.TryParse");
  });

  test("calls OpenAI with the gateway's managed identity; key mode relies on each backend's Key Vault-backed credentials", async () => {
    expect(one(section(variants.prod.doc, "inbound"), "authentication-managed-identity").attributes.resource).toBe(
      "https://cognitiveservices.azure.com",
    );
    expect(referencedNamedValues(variants.prod.xml)).toEqual([]);
    const keys = parse(
      buildApiPolicy(
        await policyInput("prod", v => {
          v.openai = { auth: "keys" };
        }),
      ),
    );
    expect(all(keys, "authentication-managed-identity")).toEqual([]);
    expect(
      all(keys, "set-header")
        .filter(h => h.attributes.name === "api-key")
        .map(h => h.attributes["exists-action"]),
    ).toEqual(["delete"]);
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
    expect(variants.prod.input.chains.find(c => c.name === "shared-gpt-5.4-mini")!.firstPtu).toBeUndefined();
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
