/**
 * The outputs a stack policy sees, derived from the installed @pulumi/azure-native's declared output
 * properties: a preview projects the inputs onto them (the rest unknown), an update keeps the declared ones.
 */
import { OutputProjection, UNKNOWN } from "../stacks/policyServer/projection";
import { TYPES } from "../catalog/types";

const projection = new OutputProjection();
const ACCOUNT = TYPES.account;

describe("preview outputs (azure-native PreviewOutputs)", () => {
  const account = projection.preview(ACCOUNT, {
    accountName: "aoai-x",
    resourceGroupName: "rg",
    kind: "OpenAI",
    location: "eastus2",
    tags: { "bcdr-role": "standard" },
    properties: { customSubDomainName: "aoai-x", disableLocalAuth: true },
  });

  test("the names that form the URL are inputs only: gone", () => {
    expect(account).not.toHaveProperty("accountName");
    expect(account).not.toHaveProperty("resourceGroupName");
    expect(projection.preview(TYPES.backend, { serviceName: "s", backendId: "b", url: "https://x" })).toEqual(
      expect.not.objectContaining({ serviceName: expect.anything(), backendId: expect.anything() }),
    );
  });

  test("declared outputs given as inputs keep their value, nested objects by their own declared properties", () => {
    expect(account).toMatchObject({ kind: "OpenAI", location: "eastus2", tags: { "bcdr-role": "standard" } });
    expect(account.properties).toMatchObject({ customSubDomainName: "aoai-x", disableLocalAuth: true });
  });

  test("declared outputs no input gives are unknown, at every depth", () => {
    expect(account.name).toBe(UNKNOWN);
    expect((account.properties as Record<string, unknown>).endpoint).toBe(UNKNOWN);
    const pool = projection.preview(TYPES.backend, {
      type: "Pool",
      pool: { services: [{ id: "/subscriptions/0/x", priority: 1 }] },
    });
    expect(pool.pool).toEqual({ services: [{ id: "/subscriptions/0/x", priority: 1, weight: UNKNOWN }] });
    expect(pool.circuitBreaker).toBe(UNKNOWN);
  });

  test("a value that does not fit its declared type is unknown; a declared constant is itself", () => {
    expect(projection.preview(ACCOUNT, { location: 42 }).location).toBe(UNKNOWN);
    const policy = projection.preview(TYPES.securityPolicy, {
      parameters: { type: "WebApplicationFirewall", wafPolicy: { id: "w" } },
    });
    expect(policy.parameters).toMatchObject({ type: "WebApplicationFirewall", wafPolicy: { id: "w" } });
  });

  test("other providers' resources keep their inputs", () => {
    expect(projection.preview(TYPES.randomString, { length: 6 })).toEqual({ length: 6 });
    expect(projection.preview("azure-native:nosuchmodule:Thing", { a: 1 })).toEqual({ a: 1 });
  });
});

describe("post-update outputs", () => {
  test("the engine's state, restricted to the declared output properties", () => {
    const state = {
      accountName: "aoai-x",
      name: "aoai-x",
      location: "eastus2",
      properties: { customSubDomainName: "aoai-x", endpoint: "https://aoai-x.openai.azure.com/", notDeclared: 1 },
    };
    expect(projection.afterUpdate(ACCOUNT, state)).toEqual({
      name: "aoai-x",
      location: "eastus2",
      properties: { customSubDomainName: "aoai-x", endpoint: "https://aoai-x.openai.azure.com/" },
    });
  });
});
