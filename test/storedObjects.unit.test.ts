/**
 * Stored objects (responses, files, batches): calls on them reach the one account holding them through the
 * route hint every served answer carries; without it a documented 400, with an unknown one a 404.
 */
import { ApiPolicyInput, buildApiPolicy } from "../infra/gateway/policy";
import { DEPLOYMENT_EXPRESSION } from "../infra/gateway/policy/routing";
import {
  LIST_NOT_ALLOWED,
  ROUTE_HEADER,
  ROUTE_HINT_EXPRESSION,
  ROUTE_HINT_REQUIRED,
  ROUTE_NOT_FOUND,
  ROUTE_STEP_EXPRESSION,
  STORED_OBJECT_EXPRESSION,
  routeStep,
  routeTable,
  routeToken,
} from "../infra/gateway/policy/surface";
import { expressionProblems } from "./apimExpressions";
import { EvalContext, evaluate } from "./policyEval";
import { Node, all, errorOf, expressions, policyInput, section, statusOf, variableSet } from "./policyInput";
import { policyTree } from "./support";

let prod: ApiPolicyInput;
let doc: Node;
let table: string;
beforeAll(async () => {
  prod = await policyInput("prod");
  doc = policyTree(buildApiPolicy(prod));
  table = routeTable(prod.chains);
});

const JSON_TYPE = { "Content-Type": "application/json" };
const kindOf = (method: string, path: string, body?: object) =>
  evaluate(STORED_OBJECT_EXPRESSION, {
    method,
    path,
    body: body && JSON.stringify(body),
    headers: body ? JSON_TYPE : {},
  });

describe("which calls use stored objects", () => {
  test.each([
    ["GET", "/openai/v1/responses/resp_1", "pin"],
    ["DELETE", "/openai/v1/responses/resp_1", "pin"],
    ["GET", "/openai/v1/responses/resp_1/input_items", "pin"],
    ["POST", "/openai/v1/responses/resp_1/cancel", "pin"],
    ["GET", "/openai/responses/resp_1", "pin"],
    ["POST", "/openai/v1/files", "pin"],
    ["GET", "/openai/v1/files/file-1", "pin"],
    ["GET", "/openai/v1/files/file-1/content", "pin"],
    ["DELETE", "/openai/v1/files/file-1", "pin"],
    ["POST", "/openai/v1/batches", "pin"],
    ["GET", "/openai/v1/batches/batch_1", "pin"],
    ["POST", "/openai/v1/batches/batch_1/cancel", "pin"],
    ["GET", "/openai/files", "list"],
    ["GET", "/openai/v1/files", "list"],
    ["GET", "/openai/v1/batches", "list"],
    ["POST", "/openai/v1/chat/completions", ""],
    ["POST", "/openai/deployments/gpt-5.1/chat/completions", ""],
    ["POST", "/openai/deployments/files/chat/completions", ""],
  ])("%s %s: %s", (method, path, kind) => {
    expect(kindOf(method, path)).toBe(kind);
  });

  test("POST /responses creates (routed by its model) unless it continues a response or references a file", () => {
    const path = "/openai/v1/responses";
    expect(kindOf("POST", path, { model: "gpt-5.1", input: "hi" })).toBe("");
    expect(kindOf("POST", path, { model: "gpt-5.1", input: "hi", previous_response_id: "resp_1" })).toBe("pin");
    expect(kindOf("POST", path, { model: "gpt-5.1", input: "hi", previous_response_id: null })).toBe("");
    const file = { role: "user", content: [{ type: "input_file", file_id: "file-1" }] };
    expect(kindOf("POST", path, { model: "gpt-5.1", input: [file] })).toBe("pin");
    // Not JSON (or malformed): routed by the deployment as before, never an expression failure.
    expect(evaluate(STORED_OBJECT_EXPRESSION, { method: "POST", path, body: "{", headers: JSON_TYPE })).toBe("");
    expect(evaluate(STORED_OBJECT_EXPRESSION, { method: "POST", path, body: "x", headers: {} })).toBe("");
    // A named sub-resource without an object id (`input_tokens`) carries its model: routed by it.
    expect(kindOf("POST", "/openai/v1/responses/input_tokens", { model: "gpt-5.1", input: "hi" })).toBe("");
  });
});

describe("the route table", () => {
  test("one entry per backend, each account one stable 8-hex token, chains' step format", () => {
    const entries = table.slice(1, -1).split("|");
    const backends = new Set(prod.chains.flatMap(c => c.tiers.map(t => t.backendId)));
    expect(entries).toHaveLength(backends.size);
    for (const c of prod.chains)
      for (const t of c.tiers) {
        expect(routeToken(t.account)).toMatch(/^[0-9a-f]{8}$/);
        expect(table).toContain(`|${routeToken(t.account)}/${c.deployment}~`);
        expect(table).toContain(`~${routeStep(t)}|`);
        expect(routeStep(t)).toBe(
          `${t.backendId},${t.region},${t.timeoutSeconds},${t.role === "standard" ? "S" : "P"}`,
        );
      }
    const accounts = new Set(prod.chains.flatMap(c => c.tiers.map(t => t.account)));
    expect(new Set([...accounts].map(routeToken)).size).toBe(accounts.size);
    expect(routeToken("standard-primary")).toBe(routeToken("standard-primary"));
  });

  test("refuses two accounts sharing a token", () => {
    // Two keys whose tokens collide (8 hex characters collide after ~2^16 keys), found by a brute-force search
    // over `account-<i>`: the test keeps the pair, not the search.
    const pair = ["account-165004", "account-183271"];
    expect(routeToken(pair[0])).toBe(routeToken(pair[1]));
    const chain = prod.chains[0];
    const [a, b] = pair.map(account => ({ ...chain.tiers[0], account }));
    expect(() => routeTable([{ ...chain, tiers: [a, b] }])).toThrow(/share the route token/);
  });

  test("is one variable of the inbound section", () => {
    expect(variableSet(section(doc, "inbound"), "route-table")).toEqual([table]);
  });
});

/** Evaluates the route step of a call with `hint`, for `deployment` ("" for a call naming none), by an application of `workload`. */
const stepFor = (hint: string | undefined, deployment = "", workload = "") =>
  evaluate(ROUTE_STEP_EXPRESSION, {
    headers: hint === undefined ? {} : { [ROUTE_HEADER]: hint },
    variables: { "route-table": table, deployment, workload },
  }) as string;

describe("a hinted call", () => {
  test("reaches the account its hint names, for its deployment, else the account's first backend", () => {
    for (const c of prod.chains.filter(x => !x.workload))
      for (const t of c.tiers) {
        const hint = routeToken(t.account);
        expect(stepFor(hint, c.deployment)).toBe(routeStep(t));
        expect(stepFor(hint.toUpperCase(), c.deployment)).toBe(routeStep(t));
        const first = stepFor(hint);
        expect(first.split(",")[0]).toMatch(new RegExp(`^${t.account}--`));
      }
  });

  test("gets one attempt: a chain of exactly one step", () => {
    const c = prod.chains[0];
    expect(stepFor(routeToken(c.tiers[0].account), c.deployment).split(";")).toHaveLength(1);
  });

  test("an unknown, malformed or foreign hint finds no step", () => {
    expect(stepFor("00000000")).toBe("");
    expect(stepFor("standard-primary")).toBe("");
    expect(stepFor("|")).toBe("");
    expect(stepFor(undefined)).toBe("");
    // A workload's PTU account answers only that workload's applications.
    const workloadChain = prod.chains.find(c => c.workload && c.tiers[0].role === "workload-ptu")!;
    const ptu = workloadChain.tiers[0];
    expect(stepFor(routeToken(ptu.account), workloadChain.deployment, workloadChain.workload)).toBe(routeStep(ptu));
    expect(stepFor(routeToken(ptu.account), workloadChain.deployment, "")).toBe("");
    const other = prod.chains.find(c => c.workload && c.workload !== workloadChain.workload)!;
    expect(stepFor(routeToken(ptu.account), workloadChain.deployment, other.workload)).toBe("");
  });

  test("without a hint: 400 RouteHintRequired naming the header; unknown: 404 RouteNotFound; else the header is dropped", () => {
    const inbound = section(doc, "inbound");
    const pinned = all(inbound, "when").find(w => w.attributes.condition.includes('== "pin"'))!;
    expect(variableSet(pinned, "steps")).toEqual([ROUTE_STEP_EXPRESSION]);
    const [missing, unknown] = all(pinned, "return-response");
    expect([statusOf(missing), errorOf(missing).code]).toEqual(["400", ROUTE_HINT_REQUIRED]);
    expect(errorOf(missing).message).toContain(ROUTE_HEADER);
    expect([statusOf(unknown), errorOf(unknown).code]).toEqual(["404", ROUTE_NOT_FOUND]);
    expect(errorOf(unknown).message).toContain(ROUTE_HEADER);
    const dropped = all(pinned, "set-header").filter(h => h.attributes["exists-action"] === "delete");
    expect(dropped.map(h => h.attributes.name)).toEqual([ROUTE_HEADER]);
  });

  test("listing files or batches is refused with 403 ListNotAllowed; every other call is routed by its deployment", () => {
    const inbound = section(doc, "inbound");
    const choose = all(inbound, "choose").find(c => c.children[0]?.attributes.condition?.includes('== "list"'))!;
    const list = all(choose.children[0], "return-response")[0];
    expect([statusOf(list), errorOf(list).code]).toEqual(["403", LIST_NOT_ALLOWED]);
    const otherwise = choose.children.find(c => c.name === "otherwise")!;
    // The deployment is read once, before the choice, by routing's own expression.
    expect(variableSet(inbound, "deployment")).toEqual([DEPLOYMENT_EXPRESSION]);
    expect(inbound.children.indexOf(choose)).toBeGreaterThan(
      inbound.children.findIndex(c => c.attributes.name === "deployment"),
    );
    expect(
      all(otherwise, "return-response")
        .map(errorOf)
        .map(e => e.code),
    ).toContain("DeploymentNotFound");
  });
});

describe("the route hint in answers", () => {
  const hintOf = (served: string | undefined, status = 200) =>
    evaluate(ROUTE_HINT_EXPRESSION, {
      status,
      variables: { "route-table": table, ...(served === undefined ? {} : { "served-by": served }) },
    } as EvalContext);

  test("every 2xx answer a step served names its account; the hint leads back to it", () => {
    for (const c of prod.chains)
      for (const t of c.tiers) {
        const hint = hintOf(t.backendId) as string;
        expect(hint).toBe(routeToken(t.account));
        expect(stepFor(hint, c.deployment, c.workload ?? "")).toBe(routeStep(t));
      }
  });

  test("no hint without a served step or for an error answer", () => {
    const backend = prod.chains[0].tiers[0].backendId;
    expect(hintOf(undefined)).toBe("");
    expect(hintOf(backend, 429)).toBe("");
    expect(hintOf(backend, 503)).toBe("");
    expect(hintOf("unknown-backend")).toBe("");
  });

  test("is set last in outbound, only when there is one", () => {
    const outbound = section(doc, "outbound");
    const [set, choose] = outbound.children.slice(-2);
    expect(set.attributes).toEqual({ name: "route-hint", value: ROUTE_HINT_EXPRESSION });
    expect(all(choose, "set-header").map(h => h.attributes.name)).toEqual([ROUTE_HEADER]);
  });
});

test("every stored-object expression stays on APIM's allowed list and is in the document", () => {
  const found = expressions(doc);
  for (const e of [STORED_OBJECT_EXPRESSION, ROUTE_STEP_EXPRESSION, ROUTE_HINT_EXPRESSION]) {
    expect(found).toContain(e);
    expect(expressionProblems(e)).toEqual([]);
  }
});
