/**
 * The configuration's types: what the schema parses to, and the validated configuration with its derived
 * values (the data zone, the PTU pools' inherited version and SKU).
 */
import { z } from "zod";
import { DataZone } from "../../catalog/regions";
import { ProvisionedSku } from "../../catalog/models";
import { schema } from "./schema";

/** The parsed config: defaults applied, nothing derived yet. */
export type Parsed = z.output<typeof schema>;
/** A top-level config key (without the `aoai-bcdr:` namespace). */
export type Section = keyof Parsed;
export type GatewayConfig = Parsed["gateway"];
export type WatchdogConfig = NonNullable<GatewayConfig["watchdog"]>;
export type NetworkConfig = Parsed["network"];
export type VnetConfig = NetworkConfig["vnets"][string];
export type EdgeConfig = Parsed["edge"];
/** A PTU pool as written: its version may be left to the standard deployment's. */
export type PtuPoolInput = NonNullable<Parsed["enterprisePtu"]>;

export interface PtuPoolConfig {
  readonly region: string;
  readonly model: string;
  readonly version: string;
  readonly ptu: number;
  readonly sku: ProvisionedSku;
}
export interface WorkloadPtuConfig extends PtuPoolConfig {
  readonly name: string;
}

/** The validated configuration: defaults applied, derived values filled in. */
export interface BcdrConfig extends Omit<Parsed, "enterprisePtu" | "workloadPtus"> {
  /** The data zone every region sits in; undefined only for Global/regional stacks outside any zone. */
  readonly dataZone?: DataZone;
  readonly enterprisePtu?: PtuPoolConfig;
  readonly workloadPtus: readonly WorkloadPtuConfig[];
}
