/**
 * A minimal element tree for policy documents, serialized by xmlbuilder2 (which escapes policy
 * expressions for APIM's `xml` format), and the small builders every policy module shares.
 */
import { create } from "xmlbuilder2";

export interface Element {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string | number | boolean>>;
  readonly children: readonly (Element | string)[];
}

export type Child = Element | string | false | undefined;
type Attrs = Readonly<Record<string, string | number | boolean | undefined>>;

export function el(name: string, attrs: Attrs = {}, ...children: Child[]): Element {
  const defined = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined)) as Element["attrs"];
  return {
    name,
    attrs: defined,
    children: children.filter((c): c is Element | string => c !== false && c !== undefined),
  };
}

export function serialize(root: Element): string {
  const doc = create();
  const add = (parent: ReturnType<typeof create>, e: Element) => {
    const node = parent.ele(e.name, Object.fromEntries(Object.entries(e.attrs).map(([k, v]) => [k, String(v)])));
    for (const c of e.children) {
      if (typeof c === "string") node.txt(c);
      else add(node, c);
    }
  };
  add(doc, root);
  // One element per line, not indented: the v2 tiers take a policy document of at most 16 KiB
  // (catalog/serviceLimits.ts), and indentation would spend a tenth of it.
  return doc.end({ prettyPrint: true, indent: "", headless: true }) + "\n";
}

/** A C# string literal for use inside a policy expression. */
export const cs = (value: string): string => JSON.stringify(value);

/** A string context variable, as a C# expression. */
export const variable = (name: string) => `(string)context.Variables[${cs(name)}]`;
export const setVariable = (name: string, value: string | number) => el("set-variable", { name, value: String(value) });
export const header = (name: string, value: string, existsAction = "override") =>
  el("set-header", { name, "exists-action": existsAction }, el("value", {}, value));
export const deleteHeader = (name: string) => el("set-header", { name, "exists-action": "delete" });
export const namedValue = (name: string) => `{{${name}}}`;

export interface Branch {
  readonly condition: string;
  readonly then: readonly Child[];
}

/**
 * A `choose`. APIM refuses a `choose` without a `when`, so with no branch the fallback is emitted
 * as is (or nothing): a topology with no applications or no chains still yields a valid document.
 */
export function choose(branches: readonly Branch[], otherwise: readonly Child[] = []): Element[] {
  const fallback = otherwise.filter((c): c is Element | string => c !== false && c !== undefined) as Element[];
  if (branches.length === 0) return fallback;
  return [
    el(
      "choose",
      {},
      ...branches.map(b => el("when", { condition: b.condition }, ...b.then)),
      fallback.length > 0 && el("otherwise", {}, ...fallback),
    ),
  ];
}

export function jsonError(
  status: number,
  reason: string,
  code: string,
  message: string,
  extra: readonly Child[] = [],
): Element {
  return el(
    "return-response",
    {},
    el("set-status", { code: status, reason }),
    header("Content-Type", "application/json"),
    ...extra,
    el("set-body", {}, JSON.stringify({ error: { code, message } })),
  );
}
