/**
 * Subscription-key callers: one product per application, published with the API, and one subscription
 * per application whose keys are the application's shared pair (see subscriptionKeys.ts). The policy
 * identifies the application by its subscription's product.
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { API_ID } from "./ids";
import { ServiceRef } from "./namedValues";
import { KeySlot } from "./subscriptionKeys";

export interface ProductsArgs {
  readonly service: ServiceRef;
  readonly serviceId: pulumi.Input<string>;
  readonly applications: readonly { readonly name: string; readonly priority: number }[];
  /** Application -> its key pair, the same on every region's gateway. */
  readonly keys: ReadonlyMap<string, Readonly<Record<KeySlot, pulumi.Input<string>>>>;
  readonly api: apimanagement.Api;
}

export function declareProducts(name: string, args: ProductsArgs, parent: pulumi.Resource): void {
  for (const app of args.applications) {
    const product = new apimanagement.Product(
      `${name}-product-${app.name}`,
      {
        ...args.service,
        productId: app.name,
        displayName: app.name,
        subscriptionRequired: true,
        approvalRequired: false,
        state: "published",
        description: `Application ${app.name} (priority ${app.priority}).`,
      },
      { parent },
    );
    new apimanagement.ProductApi(
      `${name}-product-api-${app.name}`,
      {
        ...args.service,
        productId: app.name,
        apiId: API_ID,
      },
      { parent, dependsOn: [product, args.api] },
    );
    const keys = args.keys.get(app.name);
    if (!keys) throw new Error(`no subscription keys for application ${app.name}`);
    new apimanagement.Subscription(
      `${name}-subscription-${app.name}`,
      {
        ...args.service,
        sid: app.name,
        displayName: app.name,
        state: "active",
        scope: pulumi.interpolate`${args.serviceId}/products/${app.name}`,
        primaryKey: keys.primary,
        secondaryKey: keys.secondary,
      },
      { parent, dependsOn: [product] },
    );
  }
}
