/**
 * The stack outputs: their shape (`StackOutputs`, what `pulumi stack output` and the plan's `outputs`
 * hold once every value is known) and the function that builds them from the declared resources. The
 * program's outputs satisfy the type; the tools (diagram, drill) import it, type-only.
 */
import * as pulumi from "@pulumi/pulumi";
import { BcdrConfig, GatewayConfig, declaredOfferWarnings, requiredOffers } from "./config";
import { FrontDoorEdge } from "./edge";
import { ClientBudget, DATED_API_VERSION, V1_PATH, clientBudget } from "./gateway/clientSettings";
import { GatewayApp } from "./gateway/entraApp";
import { SUBSCRIPTION_KEY_PARAMETER } from "./gateway/ids";
import type { GatewayChain } from "./gateway/policy";
import { policyTiming } from "./gateway/policyInput";
import { KEY_SLOTS, SubscriptionKeys, subscriptionKeySecretName } from "./gateway/subscriptionKeys";
import { GatewayDns } from "./gatewayDns";
import { SecretVault } from "./keyvault";
import { OpenAiAccount } from "./openai";
import { RetirementWarning, retirementWarnings } from "./retirement";
import { AccountRole, RegionRole } from "../catalog/tags";
import { CapacitySource, FailoverChain, Topology, applicationChains } from "./topology";

export interface DeploymentOutput {
  readonly model: string;
  readonly version: string;
  readonly sku: string;
  readonly capacity: number;
  readonly capacitySource: CapacitySource;
}

/** An account's place in the topology, name, endpoint and deployments. */
export interface AccountOutput {
  readonly role: AccountRole;
  readonly regionRole?: RegionRole;
  readonly workload?: string;
  readonly region: string;
  readonly subscription: string;
  readonly name: string;
  readonly endpoint: string;
  readonly deployments: Readonly<Record<string, DeploymentOutput>>;
}

export interface ApplicationOutput {
  /** The application's criticality, as configured (`applications[].priority`): 1 = most critical. */
  readonly priority: number;
  readonly workload?: string;
  /** Its token limit (`applications[].tokensPerMinute`), tokens per minute; none when unlimited. */
  readonly tokensPerMinute?: number;
  /** The chains it calls, one per deployment name. */
  readonly chains: readonly string[];
}

export interface GatewayOutput {
  readonly mode: GatewayConfig["mode"];
  readonly callerAuth: GatewayConfig["callerAuth"];
  readonly audience?: string;
  /** Application -> key slot (`primary`, `secondary`) -> the Key Vault secret holding that key. */
  readonly subscriptionKeySecrets?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Region -> the regional gateway host name. */
  readonly hosts: Readonly<Record<string, string>>;
}

/**
 * What an application's team sets in its OpenAI client (docs/clients.md): where to call, how to authenticate,
 * the API version, the deployment names it may call, and the timeout and retries its chains need.
 */
export interface ClientSettings extends ClientBudget {
  /** `https://<entry host>`: the Front Door endpoint (public mode) or the gateway's private name. */
  readonly endpoint: string;
  /** The v1 API's base URL: `<endpoint>/openai/v1/`. */
  readonly baseUrl: string;
  readonly callerAuth: GatewayConfig["callerAuth"];
  /** Entra ID: the scope a client asks its token for, `<gateway.audience>/.default`. */
  readonly scope?: string;
  /** Subscription keys: the header the gateway reads the key from. */
  readonly keyHeader?: string;
  /** Subscription keys: the Key Vault secret (in `keyVaultUri`) holding the application's primary key. */
  readonly keySecret?: string;
  /** The `api-version` of `/openai/deployments/<name>/...` calls (the v1 API takes none). */
  readonly apiVersion: string;
  /** The deployment names the application may call: the `model` of a v1 call, `<name>` of a deployments call. */
  readonly deployments: readonly string[];
}

export type EntryOutput =
  | { readonly mode: "public"; readonly frontDoorHost: string }
  | {
      readonly mode: "private";
      readonly gatewayHost: string;
      readonly activeRegion: string;
      readonly activeIp: string;
      /** URN of the private DNS record the failover command targets. */
      readonly failoverTarget: string;
    };

export interface StackOutputs {
  readonly dataZone: string;
  readonly accounts: Readonly<Record<string, AccountOutput>>;
  /** Chain name -> the chain, as the topology computed it. */
  readonly chains: Readonly<Record<string, FailoverChain>>;
  readonly applications: Readonly<Record<string, ApplicationOutput>>;
  readonly gateway: GatewayOutput;
  readonly entry: EntryOutput;
  /** Application -> the settings of its clients. */
  readonly clients: Readonly<Record<string, ClientSettings>>;
  readonly keyVaultUri: string;
  /** Model versions past or near their published retirement: `pulumi up` shows them and the plan prints them. */
  readonly modelRetirements: readonly RetirementWarning[];
  /** Offers the catalog lacks that the stack declares (`standard.models[].offer`): planned on its word, to confirm. */
  readonly declaredOffers: readonly string[];
}

/** A value of type T as the program returns it: any part of it may still be a Pulumi output. */
export type Declared<T> = pulumi.Input<
  T extends readonly (infer U)[] ? readonly Declared<U>[] : T extends object ? { [K in keyof T]: Declared<T[K]> } : T
>;

/** The declared resources the outputs read. */
export interface DeclaredStack {
  readonly config: BcdrConfig;
  readonly topology: Topology;
  /** The chains as the gateway walks them: the clients' timeouts and retries are read from them. */
  readonly chains: readonly GatewayChain[];
  /** The plan's date: it decides which model versions are retired. */
  readonly today: string;
  readonly accounts: ReadonlyMap<string, OpenAiAccount>;
  /** Region -> the regional gateway host name. */
  readonly gatewayHosts: pulumi.Output<Record<string, string>>;
  readonly vault: SecretVault;
  readonly entraApp?: GatewayApp;
  readonly subscriptionKeys?: SubscriptionKeys;
  /** Public mode. */
  readonly edge?: FrontDoorEdge;
  /** Private mode. */
  readonly gatewayDns?: GatewayDns;
}

function accountOutputs(accounts: ReadonlyMap<string, OpenAiAccount>) {
  return Object.fromEntries(
    [...accounts].map(([key, a]) => {
      const spec = a.spec;
      return [
        key,
        {
          role: spec.role,
          regionRole: spec.regionRole,
          workload: spec.workload,
          region: spec.region,
          subscription: spec.subscription,
          name: a.account.name,
          endpoint: a.endpoint,
          deployments: Object.fromEntries(
            spec.deployments.map(d => [
              d.name,
              {
                model: d.model,
                version: d.version,
                sku: d.sku,
                capacity: d.capacity,
                capacitySource: d.capacitySource,
              },
            ]),
          ),
        },
      ];
    }),
  );
}

function applicationOutputs(config: BcdrConfig, topology: Topology) {
  return Object.fromEntries(
    config.applications.map(a => [
      a.name,
      {
        priority: a.priority,
        workload: a.workload,
        tokensPerMinute: a.tokensPerMinute,
        chains: applicationChains(topology, a.workload).map(c => c.name),
      },
    ]),
  );
}

function gatewayOutput(stack: DeclaredStack) {
  const { config, entraApp, subscriptionKeys } = stack;
  return {
    mode: config.gateway.mode,
    callerAuth: config.gateway.callerAuth,
    audience: entraApp?.audience,
    // Where each application's team reads its subscription key pair (Key Vault secret names).
    subscriptionKeySecrets:
      subscriptionKeys &&
      Object.fromEntries(
        config.applications.map(a => [
          a.name,
          Object.fromEntries(KEY_SLOTS.map(slot => [slot, subscriptionKeySecretName(a.name, slot)])),
        ]),
      ),
    hosts: stack.gatewayHosts,
  };
}

function entryOutput({ config, edge, gatewayDns }: DeclaredStack) {
  return edge
    ? { mode: "public" as const, frontDoorHost: edge.endpointHostName }
    : {
        mode: "private" as const,
        gatewayHost: gatewayDns!.zone.name,
        activeRegion: config.network.activeGatewayRegion!,
        activeIp: gatewayDns!.activeIp,
        // The failover command targets this record alone (README, "Fail over"): it needs nothing in the failed region.
        failoverTarget: gatewayDns!.record.urn,
      };
}

function clientOutputs(stack: DeclaredStack, endpoint: pulumi.Input<string>) {
  const { config, topology, chains, entraApp } = stack;
  const timing = policyTiming(config.gateway);
  return Object.fromEntries(
    config.applications.map(a => {
      const own = applicationChains(topology, a.workload);
      const settings = {
        endpoint: pulumi.interpolate`https://${endpoint}`,
        baseUrl: pulumi.interpolate`https://${endpoint}${V1_PATH}`,
        callerAuth: config.gateway.callerAuth,
        scope: entraApp && pulumi.interpolate`${entraApp.audience}/.default`,
        keyHeader: entraApp ? undefined : SUBSCRIPTION_KEY_PARAMETER,
        keySecret: entraApp ? undefined : subscriptionKeySecretName(a.name, "primary"),
        apiVersion: DATED_API_VERSION,
        deployments: own.map(c => c.deployment),
        ...clientBudget(
          own.map(c => chains.find(g => g.name === c.name)!),
          timing,
        ),
      };
      return [a.name, settings];
    }),
  );
}

/** The stack's outputs, in the order `pulumi stack output` and the plan list them. */
export function stackOutputs(stack: DeclaredStack) {
  const { config, topology } = stack;
  const entry = entryOutput(stack);
  return {
    dataZone: topology.dataZone ?? "none",
    accounts: accountOutputs(stack.accounts),
    chains: Object.fromEntries(topology.chains.map(c => [c.name, c])),
    applications: applicationOutputs(config, topology),
    gateway: gatewayOutput(stack),
    entry,
    clients: clientOutputs(stack, entry.mode === "public" ? entry.frontDoorHost : entry.gatewayHost),
    keyVaultUri: stack.vault.vault.properties.vaultUri,
    modelRetirements: retirementWarnings(requiredOffers(config), stack.today),
    declaredOffers: declaredOfferWarnings(config, requiredOffers(config)),
  } satisfies Declared<StackOutputs>;
}
