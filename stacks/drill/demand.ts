/**
 * The drill's arrivals: one stream per application and chain, at the rate its demand gives, and the sample
 * the simulation draws from it. The simulation's cost follows the sampled arrivals, not the demand: above
 * `sampling.arrivalsPerSecond` in all, the busiest streams are thinned to a common rate and each sampled call
 * stands for several (its `weight`), so a topology with ten times the traffic costs the same.
 */
import { DrillConfig } from "./config";
import { DrillTopology } from "./topology";

export interface StreamDemand {
  app: string;
  /** 1 = most critical: which PTU budget the calls count against. */
  criticality: number;
  /** The application's demand in tokens per minute (all its chains). */
  demandTpm: number;
  chain: string;
  /** Seconds between sampled arrivals, and the real calls each stands for (1: not thinned). */
  intervalS: number;
  weight: number;
  prompt: number;
  completion: number;
  streamingShare: number;
}

/**
 * Water-filling: the largest common cap `c` with sum(min(rate, c)) = budget; each stream keeps min(rate, c).
 * Below the budget every stream keeps its rate.
 */
export function sampledRates(rates: readonly number[], budget: number): number[] {
  const total = rates.reduce((s, r) => s + r, 0);
  if (total <= budget) return [...rates];
  const sorted = [...rates].sort((a, b) => a - b);
  let left = budget;
  let cap = 0;
  for (let i = 0; i < sorted.length; i++) {
    const share = left / (sorted.length - i);
    if (sorted[i] >= share) {
      cap = share;
      break;
    }
    left -= sorted[i];
  }
  return rates.map(r => Math.min(r, cap));
}

/** One stream per application and chain; demand defaults to the application's token limit, spread over its chains. */
export function streamDemands(topo: DrillTopology, config: DrillConfig): StreamDemand[] {
  const { promptTokens, completionTokens, streamingShare } = config.request;
  const real = topo.applications.flatMap(app => {
    const d = config.demand[app.name] ?? {};
    const tpm = d.tokensPerMinute ?? app.tokensPerMinute;
    const rpm = d.requestsPerMinute ?? tpm / (promptTokens + completionTokens);
    const perRequest = tpm / rpm;
    const mix = d.mix ?? Object.fromEntries(app.chains.map(c => [topo.chains[c].deployment, 1]));
    const total = Object.values(mix).reduce((s, x) => s + x, 0);
    return app.chains
      .filter(c => (mix[topo.chains[c].deployment] ?? 0) > 0)
      .map(chain => ({
        app: app.name,
        criticality: app.criticality,
        demandTpm: tpm,
        chain,
        intervalS: 60 / ((rpm * mix[topo.chains[chain].deployment]) / total),
        weight: 1,
        prompt: (perRequest * promptTokens) / (promptTokens + completionTokens),
        completion: (perRequest * completionTokens) / (promptTokens + completionTokens),
        streamingShare: d.streamingShare ?? streamingShare,
      }));
  });
  const rates = real.map(s => 1 / s.intervalS);
  const sampled = sampledRates(rates, config.sampling.arrivalsPerSecond);
  return real.map((s, i) =>
    sampled[i] === rates[i] ? s : { ...s, intervalS: 1 / sampled[i], weight: rates[i] / sampled[i] },
  );
}
