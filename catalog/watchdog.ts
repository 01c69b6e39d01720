/**
 * The failover watchdog's app settings: the program writes them on the function app (infra/watchdog), the
 * function reads them (infra/watchdog/runtime/settings.ts) and the drill reads them from a plan. None is a secret:
 * the function signs in with its managed identity. Pure data.
 */
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
