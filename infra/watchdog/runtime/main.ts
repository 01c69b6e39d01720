/**
 * The function app's entry: a timer trigger running one watchdog round per tick. Azure Functions' timer takes
 * a six-field NCRONTAB expression whose first field is seconds, and resolves `%NAME%` from the app settings
 * (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions). Only one
 * instance runs a timer function at a time (the timer takes a blob lease:
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#scale-out), so rounds never overlap
 * across instances. Each round logs one line starting with `watchdog:`, which the stack's alert rule reads.
 */
import { ManagedIdentityCredential } from "@azure/identity";
import { app, InvocationContext } from "@azure/functions";
import { GatewayRecord } from "./record";
import { readSettings } from "./settings";
import { SETTING } from "../../../catalog/watchdog";
import { Watchdog } from "./watchdog";

let watchdog: Watchdog | undefined;

function instance(): Watchdog {
  if (watchdog) return watchdog;
  // The zone's name is the gateway's host name, which the probes speak.
  const zoneName = process.env[SETTING.zoneName] ?? "";
  const s = readSettings(process.env, { scheme: "https", hostName: zoneName });
  const credential = new ManagedIdentityCredential({ clientId: s.clientId });
  watchdog = new Watchdog(s.watchdog, new GatewayRecord(s.record, credential));
  return watchdog;
}

app.timer("watchdog", {
  schedule: `%${SETTING.schedule}%`,
  handler: async (_timer: unknown, context: InvocationContext) => {
    const outcome = await instance().round(Date.now());
    const line = `watchdog: ${JSON.stringify(outcome)}`;
    if (outcome.event === "held") context.log(line);
    else context.warn(line);
  },
});
