/**
 * How stack rules tell which resource refers to which, using only what the engine sends in every phase
 * (pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go `AnalyzeStack`; @pulumi/policy server.ts
 * resolves the URNs to resources):
 *   1. `propertyDependencies`: for each input, the resources whose outputs it was computed from. Sent for
 *      every resource in preview and update alike, so it links `accountName`, `serviceName`, `url`, ... even
 *      though those inputs are not outputs.
 *   2. Failing that, the value itself where it is an output: an ARM id (pool members, private link service
 *      ids, `virtualNetwork.id`) or a host name, compared with the target's outputs (`name`, endpoint).
 * A link that needs a value the preview does not know is undecided, never "missing": the rule then says it
 * cannot decide until the update (advisory), through the server's own unknown-value path.
 */
import type { PolicyResource, ReportViolation, StackValidation, StackValidationArgs } from "@pulumi/policy";
import { UNKNOWN, known } from "./resources";
import { CannotDecideDuringPreview } from "./sdk";

export type Link<T> = { readonly to: readonly T[] } | { readonly undecided: string };

export interface LinkOptions<T> {
  /** Whether the value of the input, as an output of `from`, names the candidate; reading an unknown leaves the link undecided. */
  readonly matches?: (candidate: T) => boolean;
  /** What the link is, for the "cannot decide" message: "the account of deployment 'x'". */
  readonly what: string;
}

/** The candidates that input `input` of `from` refers to. */
export function link<T extends Pick<PolicyResource, "urn">>(
  from: PolicyResource,
  input: string,
  candidates: readonly T[],
  opts: LinkOptions<T>,
): Link<T> {
  const deps = from.propertyDependencies[input] ?? [];
  const to = candidates.filter(c => deps.some(d => d.urn === c.urn));
  if (to.length > 0) return { to };
  if (!opts.matches)
    return { undecided: `${opts.what} is not linked (its ${input} was not computed from a resource of the stack)` };
  const matched = known(() => candidates.filter(opts.matches!));
  return matched === UNKNOWN ? { undecided: `${opts.what} is unknown` } : { to: matched };
}

/**
 * A stack rule's findings: violations, and the checks it could not decide. Definite violations are
 * reported at the rule's level; if there are none but some check is undecided, the rule throws so the
 * server reports it as advisory "can't run ... during preview: cannot decide until the update: ...".
 */
export class Verdict {
  private readonly violations: { message: string; urn?: string }[] = [];
  private readonly undecided: string[] = [];

  violation(message: string, urn?: string): void {
    this.violations.push({ message, urn });
  }

  cannotDecide(reason: string): void {
    if (!this.undecided.includes(reason)) this.undecided.push(reason);
  }

  /** A link's targets, or undefined (noted as undecided) when the preview cannot tell. */
  resolve<T>(l: Link<T>): readonly T[] | undefined {
    if ("to" in l) return l.to;
    this.cannotDecide(l.undecided);
    return undefined;
  }

  /** A value, or undefined (noted as undecided) when the preview does not know it. */
  read<T>(what: string, value: () => T): T | undefined {
    const v = known(value);
    if (v !== UNKNOWN) return v;
    this.cannotDecide(`${what} is unknown`);
    return undefined;
  }

  close(report: ReportViolation): void {
    if (this.violations.length === 0 && this.undecided.length > 0) throw new CannotDecideDuringPreview(this.undecided);
    this.violations.forEach(({ message, urn }, i) => {
      const last = i === this.violations.length - 1 && this.undecided.length > 0;
      report(last ? `${message} (Not decided until the update: ${this.undecided.join("; ")}.)` : message, urn);
    });
  }
}

/** A stack validation that records its findings in a Verdict. */
export function decide(check: (args: StackValidationArgs, verdict: Verdict) => void): StackValidation {
  return (args, report) => {
    const verdict = new Verdict();
    check(args, verdict);
    verdict.close(report);
  };
}
