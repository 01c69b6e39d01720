/**
 * One resource group per concern and region (`rg-aoai-<stack>-<purpose>-<region>`): a role's resources
 * share a lifecycle and a cost line, and deleting one role's group never touches another's.
 */
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { azureName } from "./naming";
import { Tags } from "./tags";
import { TYPES } from "../catalog/types";

export interface ResourceGroupArgs {
  readonly stack: string;
  readonly purpose: string;
  readonly region: string;
  readonly tags: Tags;
}

/** Declares `<owner>-rg` under `owner`; protected like every stateful resource when `protect` is set. */
export function resourceGroup(
  owner: string,
  args: ResourceGroupArgs,
  opts: { parent: pulumi.Resource; protect: boolean },
): resources.ResourceGroup {
  return new resources.ResourceGroup(
    `${owner}-rg`,
    {
      resourceGroupName: azureName(TYPES.resourceGroup, ["rg", "aoai", args.stack, args.purpose, args.region]),
      location: args.region,
      tags: args.tags,
    },
    opts,
  );
}
