/**
 * The failover watchdog's app settings: the program writes them on the function app (infra/watchdog), the
 * function reads them (infra/watchdog/runtime/settings.ts) and the drill reads them from a plan. None is a secret:
 * the function signs in with its managed identity. Pure data.
 */
import { ROLES } from "./roles";
import { TYPES } from "./types";

export const SETTING = {
  /** The timer's NCRONTAB schedule (six fields, seconds first), read by the trigger as `%WATCHDOG_SCHEDULE%`. */
  schedule: "WATCHDOG_SCHEDULE",
  subscriptionId: "WATCHDOG_SUBSCRIPTION_ID",
  resourceGroupName: "WATCHDOG_RESOURCE_GROUP",
  zoneName: "WATCHDOG_ZONE",
  /** JSON: `[[region, private IP], ...]`, the preferred region first. */
  gateways: "WATCHDOG_GATEWAYS",
  failureThreshold: "WATCHDOG_FAILURE_THRESHOLD",
  /** `manual`, or the seconds the preferred region must answer before the record returns to it. */
  failBack: "WATCHDOG_FAIL_BACK",
  cooldownSeconds: "WATCHDOG_COOLDOWN_SECONDS",
  paused: "WATCHDOG_PAUSED",
  probeTimeoutMs: "WATCHDOG_PROBE_TIMEOUT_MS",
  /** The user-assigned identity the function signs in with. */
  clientId: "WATCHDOG_CLIENT_ID",
} as const;

export type SettingName = (typeof SETTING)[keyof typeof SETTING];

/** The watchdog component's type token: every resource it declares carries it in its URN's type chain. */
export const WATCHDOG_COMPONENT = "aoai-bcdr:watchdog:GatewayWatchdog";
/** The gateway DNS component's type token: the zone and record set the watchdog changes are under it. */
export const GATEWAY_DNS_COMPONENT = "aoai-bcdr:gatewayDns:GatewayDns";

/**
 * The role/scope pairs the watchdog's identity holds, and nothing else (policies/rules/watchdogScope.ts): the
 * role, the ARM type of its scope (`depth` names deep: a record set is a zone's child), and the resources of the
 * plan the scope must be computed from (their types and the component they are under).
 */
export const WATCHDOG_GRANTS = [
  {
    role: ROLES.privateDnsZoneContributor,
    name: "Private DNS Zone Contributor",
    armType: "Microsoft.Network/privateDnsZones",
    depth: 2,
    types: [TYPES.privateZone, TYPES.record],
    component: GATEWAY_DNS_COMPONENT,
    what: "the gateway's zone or its record",
  },
  {
    role: ROLES.storageBlobDataOwner,
    name: "Storage Blob Data Owner",
    armType: "Microsoft.Storage/storageAccounts",
    depth: 1,
    types: [TYPES.storageAccount],
    component: WATCHDOG_COMPONENT,
    what: "its own storage account",
  },
  {
    role: ROLES.monitoringMetricsPublisher,
    name: "Monitoring Metrics Publisher",
    armType: "Microsoft.Insights/components",
    depth: 1,
    types: [TYPES.appInsights],
    component: WATCHDOG_COMPONENT,
    what: "its own Application Insights",
  },
] as const;
