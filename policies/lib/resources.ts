/**
 * Typed, preview-safe access to the resources a policy sees.
 *
 * Resource policies see a resource's inputs. Stack policies see every resource's outputs: during
 * `pulumi preview` the provider's projection of the inputs onto the output schema, the rest unknown
 * (reading an unknown value throws); after `pulumi up` the real outputs. azure-native outputs do not
 * carry the names that form a resource's URL (`accountName`, `serviceName`, ...), so stack rules link
 * resources through ./links.
 */
import type { PolicyResource } from "@pulumi/policy";
import { UnknownValueError } from "./sdk";

/** A resource whose properties are read through one of the shapes in ./shapes. */
export type Typed<T> = Omit<PolicyResource, "props"> & { readonly props: T };

export function ofType<T>(resources: readonly PolicyResource[], type: string): Typed<T>[] {
  return resources.filter(r => r.type === type) as unknown as Typed<T>[];
}

/** What a value the preview does not know reads as. */
export const UNKNOWN: unique symbol = Symbol("unknown until the update");
export type Maybe<T> = T | typeof UNKNOWN;

/** What `read` returns, or UNKNOWN when it reads a value the preview does not know yet. */
export function known<T>(read: () => T): Maybe<T> {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return UNKNOWN;
    throw e;
  }
}

/** ARM location names: `East US 2` and `eastus2` are the same region. */
export function regionName(location: string | undefined): string | undefined {
  return location?.toLowerCase().replace(/\s+/g, "");
}

/** A tag's value; tags are inputs and outputs alike, known in every phase unless computed. */
export function tagOf(r: Typed<{ readonly tags?: Readonly<Record<string, string>> }>, key: string): string | undefined {
  const value = known(() => r.props.tags?.[key]);
  return value === UNKNOWN ? undefined : value;
}

/** Case-insensitive equality of ARM names and enum values; false when either side is missing. */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
