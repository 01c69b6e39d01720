/**
 * The documented behaviour the drill models, each with its source, and the assumptions it makes where
 * the documentation is silent. The assumptions are printed with every report.
 */

/**
 * Provisioned throughput per PTU ("Input TPM per PTU") and the weight of an output token, from Microsoft's
 * PTU sizing table: https://learn.microsoft.com/azure/ai-foundry/openai/how-to/provisioned-throughput-onboarding
 * ("How much throughput per PTU you get for each model"; "1 output token counts as 4 input tokens towards
 * your utilization limit" for gpt-4.1 and later; older models per the capacity calculator,
 * https://ai.azure.com/resource/calculator). `tokensPerSecond` is the table's "Latency Target Value".
 */
export const PTU_THROUGHPUT: Record<
  string,
  { inputTpmPerPtu: number; outputTokenWeight: number; tokensPerSecond: number }
> = {
  // gpt-5 family: "Output-to-input ratio" 8 in the same table (MicrosoftDocs/azure-ai-docs
  // articles/foundry/openai/includes/how-to-provisioned-throughput-onboarding-3.md, read 2026-11-25).
  "gpt-5.1": { inputTpmPerPtu: 4750, outputTokenWeight: 8, tokensPerSecond: 50 },
  "gpt-5": { inputTpmPerPtu: 4750, outputTokenWeight: 8, tokensPerSecond: 50 },
  "gpt-5-mini": { inputTpmPerPtu: 23750, outputTokenWeight: 8, tokensPerSecond: 80 },
  "gpt-4.1": { inputTpmPerPtu: 3000, outputTokenWeight: 4, tokensPerSecond: 44 },
  "gpt-4.1-mini": { inputTpmPerPtu: 14900, outputTokenWeight: 4, tokensPerSecond: 50 },
  "gpt-4.1-nano": { inputTpmPerPtu: 59400, outputTokenWeight: 4, tokensPerSecond: 50 },
  "gpt-4o": { inputTpmPerPtu: 2500, outputTokenWeight: 4, tokensPerSecond: 25 },
  "gpt-4o-mini": { inputTpmPerPtu: 37000, outputTokenWeight: 4, tokensPerSecond: 33 },
  "o3-mini": { inputTpmPerPtu: 2500, outputTokenWeight: 4, tokensPerSecond: 25 },
  o1: { inputTpmPerPtu: 230, outputTokenWeight: 4, tokensPerSecond: 25 },
};

export type Throughput = (typeof PTU_THROUGHPUT)[string];

/**
 * The figures of a model the table above lacks (o3, o4-mini, the embedding models, a model Azure ships
 * tomorrow): those of its size class, read from its name (`-nano`, `-mini`, else full size), taken from the
 * gpt-4.1 rows, the newest family the table has for each size. The report names every model drilled this way.
 */
export const DEFAULT_CLASS: Record<"nano" | "mini" | "full", string> = {
  nano: "gpt-4.1-nano",
  mini: "gpt-4.1-mini",
  full: "gpt-4.1",
};
const sizeClass = (model: string): keyof typeof DEFAULT_CLASS =>
  /-nano\b/.test(model) ? "nano" : /-mini\b/.test(model) ? "mini" : "full";

/** A model's throughput figures, and the table row they come from (the model's own, or its size class's). */
export function throughputOf(model: string): { figures: Throughput; from: string } {
  const from = model in PTU_THROUGHPUT ? model : DEFAULT_CLASS[sizeClass(model)];
  return { figures: PTU_THROUGHPUT[from], from };
}

/**
 * Standard deployments: capacity is in units of 1,000 tokens per minute, and "6 RPM per 1,000 TPM";
 * "rate limits are evaluated over small periods of time (1 or 10 seconds)", over which a request above
 * the rate gets 429 with Retry-After. https://learn.microsoft.com/azure/ai-foundry/openai/how-to/quota
 */
export const STANDARD = { tokensPerUnit: 1000, requestsPerMinutePerUnit: 6, windowS: 10 };

/**
 * Provisioned deployments: a leaky bucket of utilisation; above 100 % the service answers 429 with
 * `retry-after-ms` / `retry-after`. https://learn.microsoft.com/azure/ai-foundry/openai/concepts/provisioned-throughput
 * ("How can I monitor capacity?" / "What should I do when I receive a 429 response?").
 */
export const PTU = { windowS: 10 };

export const ASSUMPTIONS = {
  latency:
    "latency: 0.5 s to the first token; output at the model's PTU latency target (tokens/s) on every tier; " +
    "2 ms within a region, 40 ms across regions (confirm with https://learn.microsoft.com/azure/networking/azure-network-latency)",
  windows:
    "rate windows: standard and PTU admit a request while the last 10 s of throughput allows it; Retry-After is the time " +
    "until it would, at most 60 s",
  tokens:
    "tokens: a request costs its prompt plus completion tokens against the deployment and the token limit when it is " +
    "admitted (the service estimates from max_tokens; the gateway counts the usage it reads)",
  breakerTransport:
    "breaker: a transport failure counts when the rule lists its LastError.Reason (Timeout, BackendConnectionFailure; " +
    "the values errorReasons accepts are undocumented); " +
    "after tripDuration (or Retry-After) the backend takes traffic again, without a half-open probe",
  streamed:
    "streamed calls: forward-request's timeout counts until the response headers; for a streamed answer they come " +
    "with the first token (0.5 s), so the first-byte bound is what a hung step costs (confirm on a dev instance)",
  clientRetry:
    "callers: a 503 with Retry-After (on-error after a silent step) is retried after Retry-After, up to " +
    "request.clientRetries times (the OpenAI SDKs: 2), as a new request through the entry; other answers are final",
  suspects:
    "suspect list: one per gateway location (its internal cache); a mark holds suspectSeconds from the latest timeout " +
    "or refused connection of that step",
  // Documented: "Different instances of the gateway do not synchronize and will apply circuit breaker rules based on
  // the information on the same instance" (https://learn.microsoft.com/azure/api-management/backends#circuit-breaker).
  breakerPerRegion:
    "gateway instances: one breaker state per gateway location, as if each location were one unit (several " +
    "units would each learn on their own, documented); token-limit counters per location too (undocumented)",
  arrivals:
    "arrivals: each application's demand arrives evenly spaced with ±25 % jitter, split over its chains; above " +
    "sampling.arrivalsPerSecond the busiest streams are thinned to a common rate, each sampled call standing for several " +
    "(admitted in whole calls, its failures counted by each breaker as that many)",
  frontDoor:
    "Front Door: an origin is taken out after sampleSize - successfulSamplesRequired + 1 failed probes, one per probe " +
    "interval from a random phase; requests sent to a down origin fail",
  dnsToggle:
    "private entry without a watchdog (or with its region down): an operator flips gateway.activeRegion and runs pulumi up after the drill's operatorMinutes; clients " +
    "follow after the record's TTL",
  // Undocumented: how rate-limit-by-key's window slides with a deferred increment; the generator reads "calls - remaining" as tokens used.
  shedding:
    "PTU shedding: one counter per (PTU deployment, class), a sliding minute of the tokens that deployment answered; a " +
    "priority-2/3 caller whose class reached its budget of the chain's first PTU takes the standard route",
};

/** Round trip between a gateway location and an account; the figures are the assumption above. */
export const RTT = { sameRegionS: 0.002, crossRegionS: 0.04 };
export const rttS = (from: string, to: string) => (from === to ? RTT.sameRegionS : RTT.crossRegionS);
export const FIRST_TOKEN_S = 0.5;
export const MAX_RETRY_AFTER_S = 60;
