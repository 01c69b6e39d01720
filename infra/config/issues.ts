/**
 * How a config problem is reported: the full config key it concerns and what is allowed. Every phase of the
 * validation adds to one list, and the list is thrown once, as one ConfigError.
 */

export const PROJECT = "aoai-bcdr";

export interface ConfigIssue {
  /** Full config key with the path inside it, e.g. `aoai-bcdr:standard.models[0].capacity`. */
  readonly key: string;
  readonly message: string;
}

/** A user's mistake in the stack config: reported without a stack trace. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`Invalid stack configuration:\n${issues.map(i => `  - ${i.key}: ${i.message}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function configKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  let key = `${PROJECT}:${String(head ?? "")}`;
  for (const p of rest) key += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
  return key;
}

/** The problems found so far, in the order they were found. */
export class Issues {
  readonly list: ConfigIssue[] = [];
  add(path: readonly PropertyKey[], message: string): void {
    this.list.push({ key: configKey(path), message });
  }
  push(...issues: readonly ConfigIssue[]): void {
    this.list.push(...issues);
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}

/** Refuses the second and later items with the same key. */
export function checkUnique<T>(
  issues: Issues,
  items: readonly T[],
  keyOf: (t: T) => string,
  path: (i: number) => PropertyKey[],
  what: string,
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = keyOf(item);
    if (seen.has(k)) issues.add(path(i), `duplicate ${what} '${k}'; each ${what} may appear once`);
    seen.add(k);
  });
}
