/**
 * Azure OpenAI accounts and their model deployments, with the BCDR role each one plays (from its
 * `bcdr-role` tags): standard (primary, secondary, overflow), enterprise PTU pool, workload PTU pool.
 * Read from outputs: kind, location, tags, SKU and model are inputs the preview projects unchanged.
 */
import type { PolicyResource } from "@pulumi/policy";
import { DeploymentSku, isDataZoneSku } from "../../catalog/models";
import { Verdict, link } from "./links";
import { AccountRole, TAG } from "../../catalog/tags";
import { TYPES } from "../../catalog/types";
import { Typed, known, ofType, regionName, sameName, tagOf } from "./resources";
import { AccountOutputs, DeploymentOutputs } from "./shapes";

export type Account = Typed<AccountOutputs>;

/** Accounts of kind OpenAI (the Cognitive Services type also covers other kinds). */
export function openAiAccounts(resources: readonly PolicyResource[]): Account[] {
  return ofType<AccountOutputs>(resources, TYPES.account).filter(
    a => known(() => sameName(a.props.kind, "OpenAI")) === true,
  );
}

/**
 * A stack of the topology may hold none of its accounts (its gateway or network in a stack of their own): a
 * rule that would report the accounts or the gateway missing calls this first, so such a stack is not applicable.
 */
export function requireOpenAi(args: {
  resources: readonly PolicyResource[];
  notApplicable(reason?: string): never;
}): void {
  if (ofType<AccountOutputs>(args.resources, TYPES.account).length === 0)
    args.notApplicable("the stack has no Azure OpenAI account");
}

export function accountsByRole(resources: readonly PolicyResource[], role: AccountRole): Account[] {
  return openAiAccounts(resources).filter(a => tagOf(a, TAG.role) === role);
}

/** The standard tier: accounts tagged `standard`, or every OpenAI account if none carries a role tag. */
export function standardAccounts(resources: readonly PolicyResource[]): Account[] {
  const accounts = openAiAccounts(resources);
  return accounts.every(a => tagOf(a, TAG.role) === undefined)
    ? accounts
    : accounts.filter(a => tagOf(a, TAG.role) === "standard");
}

export function accountRegion(account: Account): string {
  return regionName(known(() => account.props.location) as string | undefined) ?? "(no location)";
}

/** A model deployment with the account it lives in. */
export interface ModelDeployment {
  readonly resource: Typed<DeploymentOutputs>;
  readonly account: Account;
  readonly model?: string;
  readonly version?: string;
  readonly sku?: string;
  /** The deployment's own role tag, else its account's. */
  readonly role?: string;
}

/**
 * Every deployment with its account: the account whose output its `accountName` input was computed from
 * (a deployment's outputs do not name its account). A deployment not linked so is undecided.
 */
export function modelDeployments(resources: readonly PolicyResource[], verdict: Verdict): ModelDeployment[] {
  const accounts = openAiAccounts(resources);
  return ofType<DeploymentOutputs>(resources, TYPES.deployment).flatMap(resource => {
    const [account] =
      verdict.resolve(
        link(resource, "accountName", accounts, { what: `the account of deployment '${resource.name}'` }),
      ) ?? [];
    if (!account) return [];
    const model = verdict.read(`the model of deployment '${resource.name}'`, () => resource.props.properties.model);
    const sku = verdict.read(`the SKU of deployment '${resource.name}'`, () => resource.props.sku?.name);
    return [
      {
        resource,
        account,
        model: model?.name,
        version: model?.version,
        sku,
        role: tagOf(resource, TAG.role) ?? tagOf(account, TAG.role),
      },
    ];
  });
}

export function isDataZoneDeployment(d: ModelDeployment): boolean {
  return d.sku !== undefined && isDataZoneSku(d.sku as DeploymentSku);
}

/** `gpt-5.1 2025-11-13 DataZoneStandard`: how a message names what a deployment runs. */
export function describeModel(d: ModelDeployment): string {
  return `${d.model ?? "(no model)"} ${d.version ?? "(no version)"} ${d.sku ?? "(no SKU)"}`;
}
