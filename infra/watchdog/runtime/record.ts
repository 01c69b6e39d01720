/**
 * The gateway's DNS record, read and written through the Azure SDK for Private DNS. A write is a PATCH with the
 * ETag of the read it follows (`If-Match`): a record changed meanwhile (an operator, another instance) answers
 * 412 Precondition Failed and is never overwritten.
 * https://learn.microsoft.com/rest/api/dns/privatednszones/record-sets/update (If-Match: "Omit this value to always
 * overwrite the current record set. Specify the last-seen etag value to prevent accidentally overwriting
 * concurrent changes.")
 */
import type { TokenCredential } from "@azure/identity";
import { PrivateDnsManagementClient, PrivateDnsManagementClientOptionalParams } from "@azure/arm-privatedns";

/** The record set's address, as the program declared it. */
export interface RecordAddress {
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  /** The zone is the gateway's host name: its apex (`@`) A record is the only one. */
  readonly zoneName: string;
}

/** Metadata the watchdog writes with every flip, so that the next instance knows when the last one was. */
export const FLIPPED_AT = "watchdogflippedat";
export const FLIPPED_FROM = "watchdogflippedfrom";

export interface RecordRead {
  readonly ips: readonly string[];
  readonly etag: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** The write lost a race: the record's ETag is no longer the one it was read with. */
export class RecordChanged extends Error {}

export class GatewayRecord {
  private readonly client: PrivateDnsManagementClient;

  constructor(
    private readonly address: RecordAddress,
    credential: TokenCredential,
    options?: PrivateDnsManagementClientOptionalParams,
  ) {
    this.client = new PrivateDnsManagementClient(credential, address.subscriptionId, options);
  }

  async read(): Promise<RecordRead> {
    const { resourceGroupName, zoneName } = this.address;
    const r = await this.client.recordSets.get(resourceGroupName, zoneName, "A", "@");
    if (!r.etag) throw new Error(`the record of ${zoneName} came back without an ETag`);
    return { ips: (r.aRecords ?? []).map(a => a.ipv4Address ?? ""), etag: r.etag, metadata: r.metadata ?? {} };
  }

  /** Points the record at `ip`, if it still has `etag`; keeps its TTL (a PATCH changes only what it names). */
  async write(ip: string, etag: string, metadata: Readonly<Record<string, string>>): Promise<void> {
    const { resourceGroupName, zoneName } = this.address;
    try {
      await this.client.recordSets.update(
        resourceGroupName,
        zoneName,
        "A",
        "@",
        { aRecords: [{ ipv4Address: ip }], metadata: { ...metadata } },
        { ifMatch: etag },
      );
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 412)
        throw new RecordChanged(`the record changed since it was read`);
      throw e;
    }
  }
}
