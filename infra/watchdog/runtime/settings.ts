/**
 * The watchdog's settings, read from the app settings the program writes (named in catalog/watchdog.ts), with an
 * error naming the setting that is missing or wrong.
 */
import type { FailBack } from "./decide";
import type { RecordAddress } from "./record";
import type { WatchdogSettings } from "./watchdog";
import { SETTING } from "../../../catalog/watchdog";

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
