/**
 * The order in which the program declared its resources. The mock monitor answers registrations in the order
 * their inputs and parents resolve, which shifts with every `await` a program adds before it declares; the
 * constructor calls themselves run in program order. A stack transformation sees each resource as its
 * constructor runs (https://www.pulumi.com/docs/iac/concepts/options/transformations/), so the plan lists
 * resources in that order, whatever the program awaits.
 */
import * as pulumi from "@pulumi/pulumi";

const STACK_TYPE = "pulumi:pulumi:Stack";

export class DeclarationOrder {
  private readonly keys = new WeakMap<pulumi.Resource, string>();
  private readonly sequence = new Map<string, number>();

  /** A stack transformation that numbers each resource as it is constructed; it changes nothing. */
  readonly transformation = (args: pulumi.ResourceTransformationArgs): undefined => {
    const parent = args.opts.parent ? this.keys.get(args.opts.parent) : undefined;
    const key = DeclarationOrder.key(parent, args.type, args.name);
    this.keys.set(args.resource, key);
    if (!this.sequence.has(key)) this.sequence.set(key, this.sequence.size);
    return undefined;
  };

  /** A resource's key: its type and name under its parent's key (the root stack's children have none). */
  static key(parentKey: string | undefined, type: string, name: string): string {
    return type === STACK_TYPE ? "" : `${parentKey ?? ""}/${type}::${name}`;
  }

  /** The items in declaration order; what no transformation saw (default providers) keeps its place after. */
  sort<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
    const rank = (item: T) => this.sequence.get(keyOf(item)) ?? Number.MAX_SAFE_INTEGER;
    return items
      .map((item, i) => ({ item, i }))
      .sort((a, b) => rank(a.item) - rank(b.item) || a.i - b.i)
      .map(x => x.item);
  }
}
