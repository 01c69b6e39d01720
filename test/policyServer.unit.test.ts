/**
 * The policy server's client on the wire: the AnalyzeStack request it assembles from each resource's kept bytes is
 * the message the SDK's generated AnalyzeStackRequest reads and writes, resource by resource.
 */
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerResource, analyzeStackRequest } from "../stacks/policyServer/server";

const PROVIDER = "urn:pulumi:dev::aoai-bcdr::pulumi:providers:azure-native::default";
const account: AnalyzerResource = {
  urn: "urn:pulumi:dev::aoai-bcdr::azure-native:cognitiveservices:Account::primary",
  type: "azure-native:cognitiveservices:Account",
  name: "primary",
  properties: { location: "eastus2", tags: { "bcdr-role": "standard" }, sku: { name: "S0" }, dropped: undefined },
  protect: true,
  parent: "urn:pulumi:dev::aoai-bcdr::pulumi:pulumi:Stack::aoai-bcdr-dev",
  provider: { urn: `${PROVIDER}::1`, type: "pulumi:providers:azure-native", name: "default", properties: {} },
  dependencies: ["urn:a", "urn:b"],
  propertyDependencies: { location: ["urn:a"], sku: [] },
};
const deployment: AnalyzerResource = {
  urn: "urn:pulumi:dev::aoai-bcdr::azure-native:cognitiveservices:Deployment::primary-gpt",
  type: "azure-native:cognitiveservices:Deployment",
  name: "primary-gpt",
  properties: { capacity: 50, models: [{ name: "gpt-5.1", version: "2025-11-13" }] },
};

/** What a decoded resource carries, read through the generated message's getters. */
function read(m: analyzer.AnalyzerResource) {
  return {
    urn: m.getUrn(),
    type: m.getType(),
    name: m.getName(),
    properties: m.getProperties()?.toJavaScript(),
    protect: m.getOptions()?.getProtect(),
    parent: m.getParent(),
    provider: m.getProvider()?.getUrn(),
    dependencies: m.getDependenciesList(),
    propertyDependencies: Object.fromEntries(
      m
        .getPropertydependenciesMap()
        .getEntryList()
        .map(([key]) => [key, m.getPropertydependenciesMap().get(key)!.getUrnsList()]),
    ),
  };
}

describe("an AnalyzeStack request built from kept bytes", () => {
  // The same resource twice: the second is the kept bytes.
  const bytes = analyzeStackRequest([account, deployment, account]);
  const decoded = analyzer.AnalyzeStackRequest.deserializeBinary(bytes);

  test("is the generated message's own encoding: it reads and writes back byte for byte", () => {
    expect(Buffer.from(decoded.serializeBinary())).toEqual(Buffer.from(bytes));
  });

  test("holds each resource, in order, with what the engine sends (empty dependency lists left out)", () => {
    const [first, second, third] = decoded.getResourcesList().map(read);
    expect(first).toEqual({
      urn: account.urn,
      type: account.type,
      name: "primary",
      properties: { location: "eastus2", tags: { "bcdr-role": "standard" }, sku: { name: "S0" } },
      protect: true,
      parent: account.parent,
      provider: `${PROVIDER}::1`,
      dependencies: ["urn:a", "urn:b"],
      propertyDependencies: { location: ["urn:a"] },
    });
    expect(second).toMatchObject({ urn: deployment.urn, properties: deployment.properties, parent: "" });
    expect(third).toEqual(first);
  });

  test("changes with the resource: an edited copy is serialized afresh", () => {
    const moved = { ...account, properties: { ...account.properties, location: "centralus" } };
    const [edited] = analyzer.AnalyzeStackRequest.deserializeBinary(analyzeStackRequest([moved]))
      .getResourcesList()
      .map(read);
    expect(edited.properties).toMatchObject({ location: "centralus" });
  });
});
