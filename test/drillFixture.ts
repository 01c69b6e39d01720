/**
 * A small hand-made plan in the gateway's step-chain shape (docs/gateway.md): one gateway in eastus2, an
 * enterprise PTU and two standard accounts (eastus2, centralus) serving one chain of three steps, two
 * applications (priority 1 and 2, the second shed past its PTU budget), backends with circuit breakers, and
 * the API policy with `steps`, the retry over them, the waits in forward-request's timeout and on-error's
 * suspect mark. Options change what a test varies; `policy` edits the document as text.
 */
import { escapeExpressions } from "../policies/lib/policyXml";
import { TYPES } from "../catalog/types";
import type { PlanLike } from "../stacks/drill/readPlan";

export interface FixtureOptions {
  chainTimeoutSeconds?: number;
  streamFirstByteSeconds?: number;
  suspectSeconds?: number;
  /** The steps' non-streamed bounds: PTU, standard-primary, standard-secondary. */
  tierTimeoutSeconds?: [number, number, number];
  /** The breakers' failureCondition.errorReasons (default: both transport failures). */
  errorReasons?: string[];
  /** Rewrites the policy document (raw, before escaping). */
  policy?: (xml: string) => string;
}

const DEPLOYMENT = "gpt-5.1";
const ACCOUNTS = {
  "enterprise-ptu": { role: "enterprise-ptu", region: "eastus2", sku: "DataZoneProvisionedManaged", capacity: 150 },
  "standard-primary": { role: "standard", region: "eastus2", sku: "DataZoneStandard", capacity: 1000 },
  "standard-secondary": { role: "standard", region: "centralus", sku: "DataZoneStandard", capacity: 1000 },
} as const;
type AccountKey = keyof typeof ACCOUNTS;
export const FIXTURE_CHAIN = `shared-${DEPLOYMENT}`;
export const backendOf = (account: AccountKey) => `${account}--${DEPLOYMENT}`;
const endpoint = (account: string) => `https://oai-${account}.openai.azure.com/`;
const SERVICE = "apim-fixture";
const GATEWAY_HOST = "gateway.fixture.internal";

function steps(timeouts: [number, number, number]): string {
  const [ptu, primary, secondary] = timeouts;
  return [
    `${backendOf("enterprise-ptu")},eastus2,${ptu},P`,
    `${backendOf("standard-primary")},eastus2,${primary},S600`,
    `${backendOf("standard-secondary")},centralus,${secondary},S400`,
  ].join(";");
}

/** The API policy, `rawxml` style (expressions unescaped); the plan holds it escaped, as `format: xml`. */
function policy(o: Required<Omit<FixtureOptions, "policy" | "errorReasons">>): string {
  const step = `((string)context.Variables["steps"]).Split(';')[int.Parse((string)context.Variables["step"])].Split(',')`;
  const stepCount = `((string)context.Variables["steps"]).Split(';').Length`;
  const app = (name: string, priority: number) => `
      <when condition="@((string)context.Variables["application"] == "${name}")">
        <set-variable name="app-priority" value="${priority}" />
        <azure-openai-token-limit counter-key="${name}" tokens-per-minute="100000" estimate-prompt-tokens="false" tokens-consumed-variable-name="tokens-consumed" />
      </when>`;
  return `<policies>
  <inbound>
    <base />
    <set-variable name="application" value="@(context.Request.Headers.GetValueOrDefault("x-app", ""))" />
    <choose>${app("claims", 1)}${app("chat", 2)}
    </choose>
    <set-variable name="stream" value="@(context.Request.Body.As<JObject>(preserveContent: true).Value<bool?>("stream") == true)" />
    <cache-lookup-value key="gateway-suspects" variable-name="suspects" default-value="" caching-type="internal" />
    <choose>
      <when condition="@((string)context.Variables["deployment"] == "${DEPLOYMENT}")">
        <set-variable name="chain" value="${FIXTURE_CHAIN}" />
        <set-variable name="steps" value="${steps(o.tierTimeoutSeconds)}" />
        <choose>
          <when condition="@((string)context.Variables["app-priority"] != "1")">
            <rate-limit-by-key calls="1000000000" renewal-period="60" increment-condition="@(context.Variables.GetValueOrDefault<string>("served-by", "") == "${backendOf("enterprise-ptu")}" && context.Response.StatusCode < 400)" increment-count="@(context.Variables.GetValueOrDefault<int>("tokens-consumed", 0))" counter-key="@("ptu-budget:${backendOf("enterprise-ptu")}:priority-" + (string)context.Variables["app-priority"])" remaining-calls-variable-name="ptu-budget-remaining" />
            <choose>
              <when condition="@(1000000000L - (long)context.Variables["ptu-budget-remaining"] >= ((string)context.Variables["app-priority"] == "2" ? 20000L : 10000L))">
                <set-variable name="shed" value="true" />
              </when>
            </choose>
          </when>
        </choose>
      </when>
    </choose>
    <set-variable name="step" value="0" />
  </inbound>
  <backend>
    <retry condition="@(context.Response != null && (context.Response.StatusCode == 408 || context.Response.StatusCode == 429 || context.Response.StatusCode >= 500) && int.Parse((string)context.Variables["step"]) + 1 < ${stepCount} && ${o.chainTimeoutSeconds} - (int)context.Elapsed.TotalSeconds >= 1)" count="@(${stepCount} - 1)" interval="0" first-fast-retry="true">
      <set-backend-service backend-id="@(${step}[0])" />
      <forward-request timeout="@(Math.Max(1, Math.Min(context.Variables.GetValueOrDefault<bool>("stream", false) ? ${o.streamFirstByteSeconds} : int.Parse(${step}[2]), ${o.chainTimeoutSeconds} - (int)context.Elapsed.TotalSeconds)))" buffer-response="false" />
    </retry>
  </backend>
  <outbound>
    <base />
  </outbound>
  <on-error>
    <base />
    <choose>
      <when condition="@(context.LastError.Source == "forward-request" && (context.LastError.Reason == "Timeout" || context.LastError.Reason == "BackendConnectionFailure"))">
        <cache-lookup-value key="gateway-suspects" variable-name="suspects" default-value="" caching-type="internal" />
        <cache-store-value key="gateway-suspects" value="@((string)context.Variables["suspects"] + "|" + ${step}[0] + "@" + DateTime.UtcNow.AddSeconds(${o.suspectSeconds}).Ticks)" duration="${o.suspectSeconds}" caching-type="internal" />
        <return-response>
          <set-status code="503" reason="Service Unavailable" />
          <set-header name="Retry-After" exists-action="override">
            <value>1</value>
          </set-header>
          <set-header name="retry-after-ms" exists-action="override">
            <value>1000</value>
          </set-header>
        </return-response>
      </when>
    </choose>
  </on-error>
</policies>`;
}

function backend(account: AccountKey, errorReasons: string[]) {
  return {
    type: TYPES.backend,
    name: `gateway-${backendOf(account)}`,
    inputs: {
      serviceName: SERVICE,
      backendId: backendOf(account),
      url: `${endpoint(account)}openai/deployments/${DEPLOYMENT}`,
      circuitBreaker: {
        rules: [
          {
            name: "spill-over",
            failureCondition: {
              count: 1,
              interval: "PT10S",
              statusCodeRanges: [
                { min: 408, max: 408 },
                { min: 429, max: 429 },
                { min: 500, max: 599 },
              ],
              errorReasons,
            },
            tripDuration: "PT10S",
            acceptRetryAfter: true,
          },
        ],
      },
    },
  };
}

function outputs() {
  return {
    accounts: Object.fromEntries(
      Object.entries(ACCOUNTS).map(([key, a]) => [
        key,
        {
          role: a.role,
          region: a.region,
          subscription: "primary",
          name: `oai-${key}`,
          endpoint: endpoint(key),
          deployments: { [DEPLOYMENT]: { model: DEPLOYMENT, version: "2025-11-13", sku: a.sku, capacity: a.capacity } },
        },
      ]),
    ),
    chains: {
      [FIXTURE_CHAIN]: {
        name: FIXTURE_CHAIN,
        deployment: DEPLOYMENT,
        tiers: (Object.keys(ACCOUNTS) as AccountKey[]).map((account, i) => ({
          account,
          priority: i === 0 ? 2 : 3,
          weight: i === 0 ? 100 : [600, 400][i - 1],
        })),
      },
    },
    applications: {
      claims: { priority: 1, chains: [FIXTURE_CHAIN] },
      chat: { priority: 2, chains: [FIXTURE_CHAIN] },
    },
    gateway: { mode: "private", hosts: { eastus2: GATEWAY_HOST } },
    entry: { mode: "private", gatewayHost: GATEWAY_HOST, activeRegion: "eastus2", activeIp: "10.0.0.4" },
  };
}

/** The fixture plan; the same options give the same plan. */
export function fixturePlan(options: FixtureOptions = {}): PlanLike {
  const settings = {
    chainTimeoutSeconds: options.chainTimeoutSeconds ?? 180,
    streamFirstByteSeconds: options.streamFirstByteSeconds ?? 10,
    suspectSeconds: options.suspectSeconds ?? 30,
    tierTimeoutSeconds: options.tierTimeoutSeconds ?? [60, 60, 120],
  };
  const raw = (options.policy ?? (x => x))(policy(settings));
  const errorReasons = options.errorReasons ?? ["BackendConnectionFailure", "Timeout"];
  return {
    project: "aoai-bcdr",
    stack: "fixture",
    resources: [
      { type: TYPES.apimService, name: "gateway-service", inputs: { serviceName: SERVICE, location: "eastus2" } },
      ...(Object.keys(ACCOUNTS) as AccountKey[]).map(a => backend(a, errorReasons)),
      {
        type: TYPES.apiPolicy,
        name: "gateway-api-policy",
        inputs: { serviceName: SERVICE, format: "xml", value: escapeExpressions(raw) },
      },
      { type: TYPES.record, name: "gateway-record", inputs: { privateZoneName: GATEWAY_HOST, ttl: 10 } },
    ],
    outputs: outputs(),
  };
}
