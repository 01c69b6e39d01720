/**
 * The watchdog's settings: app settings the program writes (infra/watchdog/watchdog.ts) and the function reads,
 * named once here. None of them is a secret: the function signs in with its managed identity.
 */
import type { FailBack } from "./decide";
import type { RecordAddress } from "./record";
import type { WatchdogSettings } from "./watchdog";

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

function required(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const v = env[name];
  if (v === undefined || v === "") throw new Error(`app setting ${name} is missing`);
  return v;
}

function whole(env: Readonly<Record<string, string | undefined>>, name: string): number {
  const v = Number(required(env, name));
  if (!Number.isInteger(v) || v < 0) throw new Error(`app setting ${name} must be a whole number, not ${env[name]}`);
  return v;
}

function failBackOf(value: string): FailBack {
  if (value === "manual") return "manual";
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new Error(`app setting ${SETTING.failBack} must be "manual" or seconds, not ${value}`);
  return { afterHealthySeconds: seconds };
}

/** The settings from the function's environment; throws naming the app setting that is missing or wrong. */
export function readSettings(
  env: Readonly<Record<string, string | undefined>>,
  probe: { scheme: "http" | "https"; hostName: string; port?: number },
): { watchdog: WatchdogSettings; record: RecordAddress; clientId: string } {
  const gateways = JSON.parse(required(env, SETTING.gateways)) as [string, string][];
  return {
    watchdog: {
      regions: gateways.map(([region]) => region),
      gateways: Object.fromEntries(gateways),
      failureThreshold: whole(env, SETTING.failureThreshold),
      failBack: failBackOf(required(env, SETTING.failBack)),
      cooldownSeconds: whole(env, SETTING.cooldownSeconds),
      paused: env[SETTING.paused] === "true",
      probe: { ...probe, timeoutMs: whole(env, SETTING.probeTimeoutMs) },
    },
    record: {
      subscriptionId: required(env, SETTING.subscriptionId),
      resourceGroupName: required(env, SETTING.resourceGroupName),
      zoneName: required(env, SETTING.zoneName),
    },
    clientId: required(env, SETTING.clientId),
  };
}
