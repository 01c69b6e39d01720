/**
 * Subscription keys, one pair per application, generated once per stack and kept in Key Vault.
 *
 * Per-region gateways are separate API Management services; left to themselves each would generate its
 * own keys, and after Front Door fails over to another region every caller would get 401. Instead every
 * region's subscription for an application is given the same pair (`primaryKey`/`secondaryKey` on the
 * subscription: https://learn.microsoft.com/rest/api/apimanagement/subscription/create-or-update), and the
 * pair lives in the stack's Key Vault, where the application's team reads it (see the README).
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export type KeySlot = "primary" | "secondary";
export const KEY_SLOTS: readonly KeySlot[] = ["primary", "secondary"];

/** The Key Vault secret that holds an application's key. */
export const subscriptionKeySecretName = (application: string, slot: KeySlot) =>
  `apim-subscription-${application}-${slot}`;

export interface SubscriptionKeysArgs {
  readonly applications: readonly { readonly name: string }[];
}

export class SubscriptionKeys extends pulumi.ComponentResource {
  /** Application -> its key pair (secret outputs). */
  public readonly keys: ReadonlyMap<string, Readonly<Record<KeySlot, pulumi.Output<string>>>>;

  constructor(name: string, args: SubscriptionKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-bcdr:gateway:SubscriptionKeys", name, {}, opts);
    // 40 letters and digits (~238 bits): within the subscription key's 1-256 characters, safe in any header.
    this.keys = new Map(
      args.applications.map(app => [
        app.name,
        Object.fromEntries(
          KEY_SLOTS.map(slot =>
            // Secret explicitly: a key must never reach the state or a plan in plain text, whatever the provider marks.
            [
              slot,
              pulumi.secret(
                new random.RandomPassword(
                  `${name}-${app.name}-${slot}`,
                  { length: 40, special: false },
                  { parent: this },
                ).result,
              ),
            ],
          ),
        ) as Record<KeySlot, pulumi.Output<string>>,
      ]),
    );
    this.registerOutputs({});
  }

  /** Key Vault secret name -> value, for the vault. */
  secrets(): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(
      [...this.keys].flatMap(([app, pair]) =>
        KEY_SLOTS.map(slot => [subscriptionKeySecretName(app, slot), pair[slot]]),
      ),
    );
  }
}
