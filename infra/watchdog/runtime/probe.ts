/**
 * One probe of one regional gateway: API Management's status endpoint, which every API Management service
 * hosts ("The path /status-0123456789abcdef is a default health endpoint hosted on all the API Management
 * services": https://learn.microsoft.com/azure/api-management/api-management-howto-integrate-internal-vnet-appgateway).
 * The probe connects to the region's private IP, not to whatever the gateway's name resolves to now (the record
 * the watchdog changes), and speaks the gateway's host name (TLS server name and Host header), as clients do.
 * It needs no caller credential: the watchdog holds no secret.
 */
import * as http from "http";
import * as https from "https";
import type { LookupFunction } from "net";

export const STATUS_PATH = "/status-0123456789abcdef";

export interface ProbeTarget {
  readonly region: string;
  /** The region's gateway private IP. */
  readonly ip: string;
}

export interface ProbeOptions {
  /** The host name clients call. */
  readonly hostName: string;
  /** `https` in Azure; the tests' stand-ins speak `http`. */
  readonly scheme: "http" | "https";
  readonly port?: number;
  readonly timeoutMs: number;
}

/** Whether the gateway answered 200 within the timeout. */
export function probe(target: ProbeTarget, o: ProbeOptions): Promise<boolean> {
  // Every name resolves to the region's IP: the connection goes where the probe means it to, whatever DNS says.
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.ip, family: 4 },
      ]);
    else callback(null, target.ip, 4);
  };
  const request = o.scheme === "https" ? https.request : http.request;
  return new Promise(resolve => {
    const req = request(
      // A new connection per probe: a pooled one is keyed by host name and port, which every region shares.
      { host: o.hostName, port: o.port, path: STATUS_PATH, method: "GET", lookup, timeout: o.timeoutMs, agent: false },
      res => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(false));
    req.end();
  });
}
