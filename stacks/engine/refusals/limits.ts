/**
 * The mock engine's service limits, from the cited data in catalog/serviceLimits.ts: API Management refuses a
 * policy document over its tier's size and a product or named value past its tier's count per service; Front
 * Door refuses an origin priority outside 1-5 and an origin response timeout outside 16-240 s. The config check
 * refuses the same stacks earlier, naming the keys (infra/config/rules/azureLimits.ts); this catches a
 * hand-built program.
 */
import {
  APIM_LIMITS_SOURCE,
  APIM_NAMED_VALUES,
  APIM_POLICY_DOCUMENT_MAX_BYTES,
  APIM_PRODUCTS,
  ApimTierName,
  FRONT_DOOR_ORIGIN_PRIORITY,
  FRONT_DOOR_ORIGIN_PRIORITY_SOURCE,
  FRONT_DOOR_ORIGIN_TIMEOUT_SECONDS,
  FRONT_DOOR_ORIGIN_TIMEOUT_SOURCE,
  policySizeSource,
} from "../../../catalog/serviceLimits";
import { TYPES } from "../../../catalog/types";
import type { Props } from "../props";
import { AzureRefusal } from "./refusal";

/** The per-service counts the tiers limit, by type. */
const COUNTED: Readonly<Record<string, { what: string; limits: Readonly<Record<ApimTierName, number>> }>> = {
  [TYPES.product]: { what: "products", limits: APIM_PRODUCTS },
  [TYPES.namedValue]: { what: "named values", limits: APIM_NAMED_VALUES },
};

const outside = (n: unknown, range: { min: number; max: number }) =>
  typeof n === "number" && (n < range.min || n > range.max);

/** Front Door's refusals of an origin or a profile. */
function frontDoorRefusal(type: string, logicalName: string, inputs: Props): AzureRefusal | undefined {
  if (type === TYPES.origin && outside(inputs.priority, FRONT_DOOR_ORIGIN_PRIORITY)) {
    const { min, max } = FRONT_DOOR_ORIGIN_PRIORITY;
    return {
      rule: "front-door-origin-priority",
      resource: logicalName,
      message: `origin priority ${inputs.priority}: Front Door takes ${min} to ${max}`,
      source: FRONT_DOOR_ORIGIN_PRIORITY_SOURCE,
    };
  }
  if (
    type === TYPES.frontDoorProfile &&
    outside(inputs.originResponseTimeoutSeconds, FRONT_DOOR_ORIGIN_TIMEOUT_SECONDS)
  ) {
    const { min, max } = FRONT_DOOR_ORIGIN_TIMEOUT_SECONDS;
    return {
      rule: "front-door-origin-timeout",
      resource: logicalName,
      message: `origin response timeout ${inputs.originResponseTimeoutSeconds} s: Front Door takes ${min} to ${max} s`,
      source: FRONT_DOOR_ORIGIN_TIMEOUT_SOURCE,
    };
  }
  return undefined;
}

/** API Management services by name with their tiers, and what each holds so far. */
export class ServiceLimits {
  private readonly tiers = new Map<string, ApimTierName>();
  private readonly counts = new Map<string, number>();

  /** Remembers a service's tier (ARM `sku.name`). */
  service(name: string, sku: string): void {
    if (sku in APIM_POLICY_DOCUMENT_MAX_BYTES) this.tiers.set(name, sku as ApimTierName);
  }

  /** What Azure refuses of this resource for a limit (none: it fits, or it is not limited here). */
  check(type: string, logicalName: string, inputs: Props): AzureRefusal[] {
    const edge = frontDoorRefusal(type, logicalName, inputs);
    if (edge) return [edge];
    const tier = this.tiers.get(inputs.serviceName);
    if (!tier) return [];
    if (type === TYPES.apiPolicy) return this.policySize(tier, logicalName, inputs);
    const counted = COUNTED[type];
    if (!counted) return [];
    const key = `${type}/${inputs.serviceName}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n <= counted.limits[tier]) return [];
    return [
      {
        rule: "apim-service-limit",
        resource: logicalName,
        message: `${counted.what} ${n} of service '${inputs.serviceName}': a ${tier} service holds at most ${counted.limits[tier]}`,
        source: APIM_LIMITS_SOURCE,
      },
    ];
  }

  private policySize(tier: ApimTierName, logicalName: string, inputs: Props): AzureRefusal[] {
    const bytes = Buffer.byteLength(String(inputs.value ?? ""), "utf8");
    const max = APIM_POLICY_DOCUMENT_MAX_BYTES[tier];
    if (bytes <= max) return [];
    return [
      {
        rule: "apim-policy-size",
        resource: logicalName,
        message: `policy document of ${bytes} bytes: a ${tier} service accepts at most ${max} bytes (${max / 1024} KiB)`,
        source: policySizeSource(tier),
      },
    ];
  }
}
