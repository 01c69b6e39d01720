/**
 * The HTTP status codes a policy condition admits, read from its comparisons with a status code
 * (`context.Response.StatusCode == 429 || context.Response.StatusCode >= 500`, `status > 499`). Each
 * comparison adds a range: a condition is read as the union of its comparisons, which is what the
 * failover conditions the gateway uses (`||` of `==` and `>=`) mean.
 */

/** An inclusive range of HTTP status codes. */
export interface StatusRange {
  readonly min: number;
  readonly max: number;
}

const MIN_STATUS = 100;
const MAX_STATUS = 599;

const rangeOf = (op: string, value: number): StatusRange =>
  op === "=="
    ? { min: value, max: value }
    : op === ">="
      ? { min: value, max: MAX_STATUS }
      : op === ">"
        ? { min: value + 1, max: MAX_STATUS }
        : op === "<="
          ? { min: MIN_STATUS, max: value }
          : { min: MIN_STATUS, max: value - 1 };

/** One range per comparison of the condition with a status code (`==`, `>=`, `>`, `<=`, `<`; `!=` admits nothing). */
export function statusRanges(condition: string): StatusRange[] {
  return [...condition.matchAll(/(==|>=|>|<=|<)\s*([1-5]\d\d)\b/g)].map(([, op, value]) => rangeOf(op, Number(value)));
}

/** True when the status falls in one of the ranges. */
export function inRanges(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some(r => status >= r.min && status <= r.max);
}

/** Whether a condition's status comparisons admit `status`. */
export function admitsStatus(condition: string, status: number): boolean {
  return inRanges(status, statusRanges(condition));
}
