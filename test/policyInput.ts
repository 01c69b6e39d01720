/**
 * A stack's policy input, built the way the gateway builds it (config, topology, chains) but with fixed
 * Entra ids: what the pure policy-builder tests feed `buildApiPolicy`.
 */
import { validateStack } from "../infra/config";
import { gatewayChains } from "../infra/gateway/chains";
import { ApiPolicyInput, policyApplications } from "../infra/gateway/policy";
import { buildTopology } from "../infra/topology";
import { stackValues } from "./stackValues";
import { PolicyElement } from "../policies/lib/policyXml";

export const ENTRA = {
  kind: "entra" as const,
  tenantId: "tenant-guid",
  audiences: ["api://aoai-bcdr-prod-gateway", "11111111-2222-4333-8444-555555555555"],
  clientApplicationIds: ["3f1c2a4e-0b1d-4c8e-9a6f-1d2e3f4a5b61"],
  rolePrefix: "app.",
};

export async function policyInput(
  stack: string,
  edit?: (v: ReturnType<typeof stackValues>) => void,
): Promise<ApiPolicyInput> {
  const values = stackValues(stack);
  edit?.(values);
  const { config, capacities } = await validateStack(values);
  const topology = buildTopology(config, capacities);
  return {
    callerAuth: config.gateway.callerAuth === "entra" ? ENTRA : { kind: "subscription-key" },
    backendAuth: config.openai.auth,
    applications: policyApplications(config.applications),
    chains: gatewayChains(config, topology),
    timing: {
      chainTimeoutSeconds: config.gateway.chainTimeoutSeconds,
      streamFirstByteSeconds: config.gateway.streamFirstByteSeconds,
      suspectSeconds: config.gateway.suspectSeconds,
    },
    retryAfterSeconds: 7,
    ptuBudget: { 2: config.gateway.ptuBudget.priority2, 3: config.gateway.ptuBudget.priority3 },
    exposeBackendNames: config.gateway.exposeBackendNames,
  };
}

export type Node = PolicyElement;
export const walk = (n: Node): Node[] => [n, ...n.children.flatMap(walk)];
export const all = (n: Node, tag: string): Node[] => walk(n).filter(x => x.name === tag);
export const section = (doc: Node, name: string) => doc.children.find(c => c.name === name)!;
export const variableSet = (n: Node, name: string) =>
  all(n, "set-variable")
    .filter(v => v.attributes.name === name)
    .map(v => v.attributes.value);
/** Every policy expression of a document: attribute values and texts starting with `@(` or `@{`. */
export const expressions = (doc: Node) =>
  walk(doc)
    .flatMap(n => [...Object.values(n.attributes), n.text])
    .filter(v => /^@[({]/.test(v));
/** The error code of a `return-response` built by jsonError. */
export const errorOf = (r: Node) => JSON.parse(all(r, "set-body")[0].text).error as { code: string; message: string };
export const statusOf = (r: Node) => all(r, "set-status")[0].attributes.code;
