/**
 * What the mock engine answers when Azure would refuse a request: the rule, why, and where the fact comes from.
 */
export interface AzureRefusal {
  /** A stable rule id, e.g. `name`, `model-availability`, `ordering:private-endpoint-after-deployments`. */
  readonly rule: string;
  /** The logical name (or URN) of the resource Azure would refuse. */
  readonly resource: string;
  readonly message: string;
  /** Documentation page (or known issue) the refusal relies on. */
  readonly source: string;
}

/** A plan Azure would not deploy: every refusal at once, each with its source. */
export class AzureRefusalError extends Error {
  constructor(readonly refusals: readonly AzureRefusal[]) {
    super(
      `Azure would refuse this deployment:\n${refusals.map(r => `  - [${r.rule}] ${r.resource}: ${r.message}\n      source: ${r.source}`).join("\n")}`,
    );
    this.name = "AzureRefusalError";
  }
}
