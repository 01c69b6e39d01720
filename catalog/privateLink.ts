/**
 * The private link services the program reaches through private endpoints: each one's group id (the
 * endpoint's sub-resource) and the `privatelink.*` zone Azure resolves it through. Pure data.
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns#ai--machine-learning (Azure OpenAI:
 * `account`, privatelink.openai.azure.com) and #security (Key Vault: `vault`, privatelink.vaultcore.azure.net).
 */
export const PRIVATE_LINK_SERVICES = {
  openai: { groupId: "account", zone: "privatelink.openai.azure.com" },
  vault: { groupId: "vault", zone: "privatelink.vaultcore.azure.net" },
} as const;
export type PrivateLinkService = keyof typeof PRIVATE_LINK_SERVICES;

/** Whether a private DNS zone is one of the `privatelink.*` zones Azure resolves private endpoints through. */
export const isPrivateLinkZone = (zoneName: string): boolean => /^privatelink\./i.test(zoneName);
