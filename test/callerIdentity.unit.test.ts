/**
 * Caller identity (Entra ID): the application is the one whose own client list holds the token's client
 * (`azp` in v2.0 tokens, `appid` in v1.0) and whose app role the token carries; anything else is a 403.
 */
import { ApiPolicyInput, buildApiPolicy } from "../infra/gateway/policy";
import { CLIENT_NOT_ALLOWED } from "../infra/gateway/policy/callers";
import { expressionProblems } from "./apimExpressions";
import { evaluate } from "./policyEval";
import { ENTRA, Node, all, errorOf, expressions, policyInput, section, statusOf, variableSet } from "./policyInput";
import { policyTree } from "./support";

const CLAIMS_APP = "3f1c2a4e-0b1d-4c8e-9a6f-1d2e3f4a5b61"; // claims-assistant, priority 1
const FRAUD_APP = "3f1c2a4e-0b1d-4c8e-9a6f-1d2e3f4a5b62"; // fraud-scoring, priority 1
const HR_APP = "3f1c2a4e-0b1d-4c8e-9a6f-1d2e3f4a5b64"; // hr-chatbot, priority 3

let prod: ApiPolicyInput;
let doc: Node;
beforeAll(async () => {
  prod = await policyInput("prod");
  doc = policyTree(buildApiPolicy(prod));
});

const mapping = (d: Node = doc) => variableSet(section(d, "inbound"), "application")[0];
/** The application the generated expression names for a token's claims. */
const applicationOf = (claims: Record<string, string>, d?: Node) => evaluate(mapping(d), { claims });

describe("caller identity (Entra)", () => {
  test("a client registered for a priority-3 application carrying a priority-1 app role is refused", () => {
    expect(applicationOf({ azp: HR_APP, roles: "app.fraud-scoring" })).toBe("");
    expect(applicationOf({ azp: HR_APP, roles: "app.claims-assistant,app.fraud-scoring" })).toBe("");
    expect(applicationOf({ azp: CLAIMS_APP, roles: "app.hr-chatbot" })).toBe("");
    // A client no application lists, whatever role it carries.
    expect(applicationOf({ azp: "00000000-0000-4000-8000-000000000000", roles: "app.hr-chatbot" })).toBe("");
    expect(applicationOf({ azp: HR_APP, roles: "" })).toBe("");
  });

  test("a client carrying its own application's role is that application", () => {
    expect(applicationOf({ azp: HR_APP, roles: "app.hr-chatbot" })).toBe("hr-chatbot");
    // Another application's role beside its own changes nothing: the client decides.
    expect(applicationOf({ azp: HR_APP, roles: "app.fraud-scoring, app.hr-chatbot" })).toBe("hr-chatbot");
    expect(applicationOf({ azp: FRAUD_APP.toUpperCase(), roles: "app.fraud-scoring" })).toBe("fraud-scoring");
  });

  test("reads the client from azp (v2.0 tokens) or appid (v1.0 tokens)", () => {
    expect(applicationOf({ azp: CLAIMS_APP, roles: "app.claims-assistant", ver: "2.0" })).toBe("claims-assistant");
    expect(applicationOf({ appid: CLAIMS_APP, roles: "app.claims-assistant", ver: "1.0" })).toBe("claims-assistant");
    expect(applicationOf({ appid: HR_APP, roles: "app.claims-assistant" })).toBe("");
    const expression = mapping();
    expect(expression).toContain('token.Claims.GetValueOrDefault("azp", "")');
    expect(expression).toContain('token.Claims.GetValueOrDefault("appid", "")');
  });

  test("answers 403 ClientNotAllowedForApplication when no application matches, before any limit or route", () => {
    const inbound = section(doc, "inbound");
    const names = inbound.children.map(c => c.name);
    const refusal = inbound.children.find(
      c => c.name === "choose" && all(c, "return-response").some(r => errorOf(r).code === CLIENT_NOT_ALLOWED),
    )!;
    expect(refusal.children).toHaveLength(1);
    expect(refusal.children[0].attributes.condition).toBe('@((string)context.Variables["application"] == "")');
    const response = all(refusal, "return-response")[0];
    expect(statusOf(response)).toBe("403");
    expect(errorOf(response).message).toMatch(/azp or appid/);
    expect(inbound.children.indexOf(refusal)).toBeGreaterThan(names.indexOf("validate-azure-ad-token"));
    expect(inbound.children.indexOf(refusal)).toBeLessThan(
      names.indexOf("choose", inbound.children.indexOf(refusal) + 1),
    );
  });

  test("a client registered for several applications, holding several of their roles: most critical, then by name", async () => {
    const shared = {
      ...prod,
      applications: prod.applications.map(a => ({ ...a, clientApplicationIds: [...a.clientApplicationIds, HR_APP] })),
    };
    const d = policyTree(buildApiPolicy(shared));
    for (const roles of [
      "app.hr-chatbot,app.doc-search,app.fraud-scoring",
      "app.fraud-scoring,app.doc-search,app.hr-chatbot",
    ])
      expect(applicationOf({ azp: HR_APP, roles }, d)).toBe("fraud-scoring");
    expect(applicationOf({ azp: HR_APP, roles: "app.claims-assistant,app.fraud-scoring" }, d)).toBe("claims-assistant");
    expect(applicationOf({ azp: HR_APP, roles: "app.doc-search,app.hr-chatbot" }, d)).toBe("doc-search");
    expect(applicationOf({ azp: HR_APP, roles: "other" }, d)).toBe("");
    // The listing order of the applications does not change the mapping.
    const reversed = { ...shared, applications: [...shared.applications].reverse() };
    expect(mapping(policyTree(buildApiPolicy(reversed)))).toBe(mapping(d));
  });

  test("keeps validate-azure-ad-token as the signature and audience gate, over every application's clients", () => {
    const token = all(section(doc, "inbound"), "validate-azure-ad-token");
    expect(token).toHaveLength(1);
    expect(all(token[0], "application-id").map(a => a.text)).toEqual(ENTRA.clientApplicationIds);
    expect(all(token[0], "audience").map(a => a.text)).toEqual(ENTRA.audiences);
  });

  test("subscription-key mode is unchanged: the product is the application, no token is read", async () => {
    const xml = buildApiPolicy(await policyInput("prod", v => (v.gateway.callerAuth = "subscription-key")));
    const keyed = policyTree(xml);
    expect(variableSet(section(keyed, "inbound"), "application")).toEqual([
      "@(context.Product != null ? context.Product.Id : string.Empty)",
    ]);
    expect(all(keyed, "validate-azure-ad-token")).toEqual([]);
    expect(xml).not.toContain(CLIENT_NOT_ALLOWED);
    expect(expressions(keyed).some(e => e.includes("Jwt"))).toBe(false);
  });

  test("every expression stays on APIM's allowed list", () => {
    const found = expressions(doc);
    expect(found).toContain(mapping());
    expect(found.flatMap(e => expressionProblems(e).map(p => `${p}\n  in ${e}`))).toEqual([]);
  });
});
