/**
 * The mock engine refuses what crosses Azure's service limits, from the cited data in catalog/serviceLimits.ts:
 * a policy document over its API Management tier's size, a product past the tier's count, a Front Door origin
 * priority outside 1-5 and an origin response timeout outside 16-240 s. Resources are declared directly, so the
 * refusals are the engine's own, not the config's.
 */
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as cdn from "@pulumi/azure-native/cdn";
import {
  APIM_POLICY_DOCUMENT_MAX_BYTES,
  APIM_PRODUCTS,
  FRONT_DOOR_ORIGIN_PRIORITY_SOURCE,
  POLICY_SIZE_SOURCES,
} from "../catalog/serviceLimits";
import { engineRefusals } from "./components";

const service = (sku: string) =>
  new apimanagement.ApiManagementService("apim", {
    serviceName: "apim-limits-test",
    resourceGroupName: "rg-apim",
    location: "eastus2",
    sku: { name: sku, capacity: 1 },
    publisherName: "p",
    publisherEmail: "p@example.com",
  });

/** A policy document of exactly `bytes` bytes. */
const documentOf = (bytes: number) => {
  const shell = "<policies><inbound><base /></inbound><!----></policies>";
  return shell.replace("<!---->", `<!--${"x".repeat(bytes - shell.length)}-->`);
};

function apiPolicy(sku: string, bytes: number) {
  const apim = service(sku);
  new apimanagement.ApiPolicy("policy", {
    serviceName: apim.name,
    resourceGroupName: "rg-apim",
    apiId: "azure-openai",
    policyId: "policy",
    format: "rawxml",
    value: documentOf(bytes),
  });
}

describe("API Management's policy document size", () => {
  test("a Premium service takes a 256 KiB document and refuses one byte more, citing the limits page", async () => {
    const max = APIM_POLICY_DOCUMENT_MAX_BYTES.Premium;
    expect(max).toBe(256 * 1024);
    expect(await engineRefusals(() => apiPolicy("Premium", max))).toEqual([]);
    expect(await engineRefusals(() => apiPolicy("Premium", max + 1))).toEqual([
      {
        rule: "apim-policy-size",
        resource: "policy",
        message: `policy document of ${max + 1} bytes: a Premium service accepts at most ${max} bytes (256 KiB)`,
        source: POLICY_SIZE_SOURCES.classic,
      },
    ]);
  });

  test("a v2 service refuses a document over 16 KiB, citing the v2 tiers page", async () => {
    const refusals = await engineRefusals(() => apiPolicy("BasicV2", 16 * 1024 + 1));
    expect(refusals).toEqual([expect.objectContaining({ rule: "apim-policy-size", source: POLICY_SIZE_SOURCES.v2 })]);
  });
});

test("a Developer service refuses its 101st product", async () => {
  const limit = APIM_PRODUCTS.Developer;
  const refusals = await engineRefusals(() => {
    const apim = service("Developer");
    for (let i = 0; i <= limit; i++) {
      new apimanagement.Product(`product-${i}`, {
        serviceName: apim.name,
        resourceGroupName: "rg-apim",
        productId: `app-${i}`,
        displayName: `app-${i}`,
      });
    }
  });
  expect(refusals).toEqual([
    expect.objectContaining({
      rule: "apim-service-limit",
      resource: `product-${limit}`,
      message: expect.stringContaining(`a Developer service holds at most ${limit}`),
    }),
  ]);
});

describe("Front Door", () => {
  function origins(priorities: number[]) {
    priorities.forEach(
      (priority, i) =>
        new cdn.AFDOrigin(`origin-${i}`, {
          resourceGroupName: "rg-edge",
          profileName: "afd-limits-test",
          originGroupName: "gateways",
          originName: `gateway-${i}`,
          hostName: `gw-${i}.example.com`,
          priority,
          weight: 50,
        }),
    );
  }

  test("origins of priorities 1 to 5 are accepted; a sixth gateway in active-passive (priority 6) is refused", async () => {
    expect(await engineRefusals(() => origins([1, 2, 3, 4, 5]))).toEqual([]);
    expect(await engineRefusals(() => origins([1, 2, 3, 4, 5, 6]))).toEqual([
      {
        rule: "front-door-origin-priority",
        resource: "origin-5",
        message: "origin priority 6: Front Door takes 1 to 5",
        source: FRONT_DOOR_ORIGIN_PRIORITY_SOURCE,
      },
    ]);
  });

  test("an origin response timeout over 240 s is refused", async () => {
    const refusals = await engineRefusals(() => {
      new cdn.Profile("profile", {
        resourceGroupName: "rg-edge",
        profileName: "afd-limits-test",
        location: "global",
        sku: { name: "Premium_AzureFrontDoor" },
        originResponseTimeoutSeconds: 241,
      });
    });
    expect(refusals).toEqual([expect.objectContaining({ rule: "front-door-origin-timeout", resource: "profile" })]);
  });
});
