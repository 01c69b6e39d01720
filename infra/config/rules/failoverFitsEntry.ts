/**
 * Public mode: the longest a request can spend failing over is the chain's deadline
 * (`gateway.chainTimeoutSeconds`: every attempt's timeout is capped by what is left of it). It must end
 * before Front Door gives up on the origin, so callers get the gateway's answer rather than Front Door's 504.
 */
import { ORIGIN_RESPONSE_TIMEOUT_SECONDS } from "../../gateway/chains";
import { GATEWAY_MARGIN_SECONDS } from "../../gateway/clientSettings";
import { Rule, rule } from "./rule";

export const failoverRules: readonly Rule[] = [
  rule(["gateway", "network"], ({ gateway: g, network: n }, issues) => {
    if (n.mode !== "public") return;
    const limit = ORIGIN_RESPONSE_TIMEOUT_SECONDS - GATEWAY_MARGIN_SECONDS;
    if (g.chainTimeoutSeconds <= limit) return;
    issues.add(
      ["gateway", "chainTimeoutSeconds"],
      `is ${g.chainTimeoutSeconds} s, more than the ${limit} s Front Door leaves (origin response timeout ` +
        `${ORIGIN_RESPONSE_TIMEOUT_SECONDS} s minus ${GATEWAY_MARGIN_SECONDS} s for the gateway): lower it to at most ${limit}, ` +
        "or callers get Front Door's 504 instead of the gateway's answer",
    );
  }),
];
