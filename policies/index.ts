/**
 * The entry point the Pulumi CLI runs (`pulumi preview --policy-pack policies`, `pulumi policy publish`):
 * it serves the pack over gRPC. Nothing else may import this file; use ./pack (the offline tools drive the
 * server through stacks/policyServer/).
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, packArgs } from "./pack";

new PolicyPack(PACK_NAME, packArgs);
