/**
 * The failover watchdog. It moves private mode's DNS record, so it exists in private mode only (in public mode
 * Front Door probes the gateways itself); it must tell someone when it acts; its probe must end before the next
 * round starts, and its interval divide a minute; its VNet is peered with every gateway VNet, so their ranges must not overlap.
 */
import { overlaps, parseCidr } from "../../cidr";
import { Rule, rule } from "./rule";

/**
 * The intervals the timer's seconds field (every N seconds of the minute) runs evenly: N must divide 60, or each
 * minute's last round comes early (every 7 s fires at 0, 7, ..., 56, then 0 again, 4 s later).
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions
 */
const EVEN_INTERVALS = [5, 6, 10, 12, 15, 20, 30, 60];

/** The smallest subnet the watchdog's function integrates with (docs/dev-instance-checklist.md). */
const SMALLEST_PREFIX = 28;

export const watchdogRules: readonly Rule[] = [
  rule(["gateway", "network"], ({ gateway, network }, issues) => {
    const w = gateway.watchdog;
    if (!w) return;
    const path = ["gateway", "watchdog"];
    if (network.mode !== "private") {
      issues.add(
        path,
        "applies to private mode only (it moves the private DNS record of the gateway); in public mode Front Door probes the gateways and fails over itself: remove it, or set network.mode: private",
      );
      return;
    }
    if (!w.enabled) return;
    if (w.alertEmails.length === 0 && !w.actionGroupId) {
      issues.add(
        path,
        "must tell someone each time it moves the record or cannot: set alertEmails (the stack creates an action group) or actionGroupId (an existing one)",
      );
    }
    if (w.alertEmails.length > 0 && w.actionGroupId) {
      issues.add([...path, "alertEmails"], "set either alertEmails or actionGroupId, not both");
    }
    if (!EVEN_INTERVALS.includes(w.probeIntervalSeconds)) {
      issues.add(
        [...path, "probeIntervalSeconds"],
        `${w.probeIntervalSeconds} s does not divide a minute, so rounds would come unevenly (the timer's seconds field is */${w.probeIntervalSeconds}): use one of ${EVEN_INTERVALS.join(", ")}`,
      );
    }
    if (w.probeTimeoutSeconds >= w.probeIntervalSeconds) {
      issues.add(
        [...path, "probeTimeoutSeconds"],
        `${w.probeTimeoutSeconds} s is not less than probeIntervalSeconds (${w.probeIntervalSeconds} s): a round must end before the next begins`,
      );
    }
    if (parseCidr(w.addressSpace).prefixLength > SMALLEST_PREFIX) {
      issues.add(
        [...path, "addressSpace"],
        `${w.addressSpace} is smaller than a /${SMALLEST_PREFIX}, the smallest subnet the function's VNet integration takes`,
      );
    }
    for (const [region, v] of Object.entries(network.vnets)) {
      if (overlaps(w.addressSpace, v.addressSpace)) {
        issues.add(
          [...path, "addressSpace"],
          `${w.addressSpace} overlaps network.vnets.${region}.addressSpace ${v.addressSpace}: peered VNets need separate ranges`,
        );
      }
    }
  }),
];
