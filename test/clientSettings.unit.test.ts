/**
 * The clients' timeout and retries (infra/gateway/clientSettings.ts): taken from the chains the gateway walks, so
 * a client neither gives up while the gateway still fails over nor retries more than one region's outage needs.
 */
import {
  GATEWAY_MARGIN_SECONDS,
  chainWaitSeconds,
  clientBudget,
  stepsInOneRegion,
} from "../infra/gateway/clientSettings";
import { ORIGIN_RESPONSE_TIMEOUT_SECONDS } from "../infra/gateway/chains";
import type { GatewayChain, GatewayTier, PolicyTiming } from "../infra/gateway/policy";

const timing: PolicyTiming = { chainTimeoutSeconds: 180, streamFirstByteSeconds: 10, suspectSeconds: 30 };

const tier = (account: string, region: string, timeoutSeconds: number, role: GatewayTier["role"] = "standard") => ({
  backendId: `${account}--gpt-5.1`,
  account,
  role,
  region,
  priority: role === "standard" ? 3 : 1,
  weight: 50,
  timeoutSeconds,
});

const chain = (name: string, tiers: GatewayTier[]): GatewayChain => ({ name, deployment: "gpt-5.1", tiers });

/** prod's claims chain: its PTU (East US 2), the enterprise pool (West US 3), four standard accounts. */
const claims = chain("workload-claims", [
  tier("claims-ptu", "eastus2", 60, "workload-ptu"),
  tier("enterprise-ptu", "westus3", 60, "enterprise-ptu"),
  tier("standard-primary", "eastus2", 120),
  tier("standard-secondary", "centralus", 120),
  tier("overflow-eastus2", "eastus2", 120),
  tier("overflow-centralus", "centralus", 120),
]);

describe("the gateway's longest wait on a chain", () => {
  test("the tier bounds add up past the deadline: the deadline caps the walk", () => {
    expect(chainWaitSeconds(claims.tiers, timing)).toBe(180);
  });

  test("a chain whose bounds stay under the deadline waits their sum, not the deadline", () => {
    const short = [tier("a", "eastus2", 30), tier("b", "centralus", 40)];
    expect(chainWaitSeconds(short, timing)).toBe(70);
  });

  test("streamed requests: the first-byte bound per step counts when it is the longer walk", () => {
    const quick = [tier("a", "eastus2", 5), tier("b", "centralus", 5), tier("c", "westus3", 5)];
    expect(chainWaitSeconds(quick, { ...timing, streamFirstByteSeconds: 20 })).toBe(60);
  });
});

describe("the client's budget", () => {
  test("prod's claims chain: 190 s per request, one retry per East US 2 step plus one", () => {
    expect(stepsInOneRegion(claims.tiers)).toBe(3);
    expect(clientBudget([claims], timing)).toEqual({
      gatewayWaitSeconds: 180,
      timeoutSeconds: 180 + GATEWAY_MARGIN_SECONDS,
      maxRetries: 4,
      callBudgetSeconds: 5 * 190,
    });
  });

  test("an application's budget is its longest chain's: a short chain beside a long one does not shorten it", () => {
    const short = chain("shared-gpt-5", [tier("standard-primary", "eastus2", 20)]);
    expect(clientBudget([short], timing)).toMatchObject({ timeoutSeconds: 30, maxRetries: 2 });
    expect(clientBudget([short, claims], timing)).toMatchObject({ timeoutSeconds: 190, maxRetries: 4 });
  });

  test("the timeout never falls below what the gateway may take, and fits Front Door's 240 s at the public-mode deadline", () => {
    for (const deadline of [30, 120, 230]) {
      const b = clientBudget([claims], { ...timing, chainTimeoutSeconds: deadline });
      expect(b.timeoutSeconds).toBeGreaterThan(b.gatewayWaitSeconds);
      expect(b.gatewayWaitSeconds).toBe(deadline);
    }
    expect(clientBudget([claims], { ...timing, chainTimeoutSeconds: 230 }).timeoutSeconds).toBe(
      ORIGIN_RESPONSE_TIMEOUT_SECONDS,
    );
  });

  test("no chain (no model deployed): no wait, one retry", () => {
    expect(clientBudget([], timing)).toEqual({
      gatewayWaitSeconds: 0,
      timeoutSeconds: GATEWAY_MARGIN_SECONDS,
      maxRetries: 1,
      callBudgetSeconds: 2 * GATEWAY_MARGIN_SECONDS,
    });
  });
});
