/**
 * Azure OpenAI accounts and their model deployments, with the BCDR role each one plays (from its
 * `bcdr-role` tags): standard (primary, secondary, overflow), enterprise PTU pool, workload PTU pool.
 */
import type { PolicyResource } from "@pulumi/policy";
import { DeploymentSku, isDataZoneSku } from "../../infra/models";
import { TAG, TYPES, Typed, ofType, referenced, regionName, sameName, tagOf } from "./resources";
import { AccountInputs, DeploymentInputs } from "./shapes";

export type Account = Typed<AccountInputs>;
export type AccountRole = "standard" | "enterprise-ptu" | "workload-ptu";

/** Accounts of kind OpenAI (the Cognitive Services type also covers other kinds). */
export function openAiAccounts(resources: readonly PolicyResource[]): Account[] {
  return ofType<AccountInputs>(resources, TYPES.account).filter(a => sameName(a.props.kind, "OpenAI"));
}

export function accountsByRole(resources: readonly PolicyResource[], role: AccountRole): Account[] {
  return openAiAccounts(resources).filter(a => tagOf(a, TAG.role) === role);
}

export function accountRegion(account: Account): string {
  return regionName(account.props.location) ?? "(no location)";
}

/** A model deployment with the account it lives in. */
export interface ModelDeployment {
  readonly resource: Typed<DeploymentInputs>;
  readonly account: Account;
  /** The deployment name: the alias clients call, the same on every account of a failover chain. */
  readonly name: string;
  readonly model?: string;
  readonly version?: string;
  readonly sku?: string;
  /** The deployment's own role tag, else its account's. */
  readonly role?: string;
}

/** The account a deployment belongs to: named by `accountName` and `resourceGroupName`. */
export function accountOf(deployment: Typed<DeploymentInputs>, accounts: readonly Account[]): Account | undefined {
  return referenced(deployment, accounts, a =>
    sameName(a.props.accountName, deployment.props.accountName) && sameName(a.props.resourceGroupName, deployment.props.resourceGroupName));
}

/** Every deployment whose OpenAI account is in the stack. */
export function modelDeployments(resources: readonly PolicyResource[]): ModelDeployment[] {
  const accounts = openAiAccounts(resources);
  return ofType<DeploymentInputs>(resources, TYPES.deployment).flatMap(resource => {
    const account = accountOf(resource, accounts);
    if (!account) return [];
    const { deploymentName, sku, properties } = resource.props;
    return [{
      resource, account,
      name: deploymentName ?? properties?.model?.name ?? resource.name,
      model: properties?.model?.name,
      version: properties?.model?.version,
      sku: sku?.name,
      role: tagOf(resource, TAG.role) ?? tagOf(account, TAG.role),
    }];
  });
}

export function isDataZoneDeployment(d: ModelDeployment): boolean {
  return d.sku !== undefined && isDataZoneSku(d.sku as DeploymentSku);
}

/** `gpt-4o 2024-11-20 DataZoneStandard`: how a message names what a deployment runs. */
export function describeModel(d: ModelDeployment): string {
  return `${d.model ?? "(no model)"} ${d.version ?? "(no version)"} ${d.sku ?? "(no SKU)"}`;
}
