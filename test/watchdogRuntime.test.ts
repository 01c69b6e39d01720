/**
 * The watchdog's real code against local stand-ins: two HTTP servers for the regional gateways (127.0.0.1 and
 * 127.0.0.2, the same port) and an HTTPS server for the Azure Private DNS management API, reached through the
 * real Azure SDK client (@azure/arm-privatedns) with a fake credential. Nothing leaves the machine. The stand-in
 * answers as the REST reference documents (https://learn.microsoft.com/rest/api/dns/privatednszones/record-sets):
 * GET returns the record set with its etag; PATCH with If-Match applies only if the etag still matches, else 412.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import type { TokenCredential } from "@azure/identity";
import { FLIPPED_AT, FLIPPED_FROM, GatewayRecord } from "../infra/watchdog/runtime/record";
import { STATUS_PATH } from "../infra/watchdog/runtime/probe";
import { Outcome, Watchdog, WatchdogSettings } from "../infra/watchdog/runtime/watchdog";

const SUB = "11111111-1111-4111-8111-111111111111";
const RG = "rg-aoai-prod-dns-westus3";
const ZONE = "apim-aoai-prod.azure-api.net";
const RECORD_PATH = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateDnsZones/${ZONE}/A/@`;
const IP = { eastus2: "127.0.0.1", centralus: "127.0.0.2" } as const;

type Answer = "ok" | "503" | "hang";
interface Seen {
  method: string;
  path: string;
  apiVersion: string | null;
  ifMatch?: string;
  authorization?: string;
  body?: unknown;
}

/** The Azure Private DNS management API for one record set. */
class DnsStandIn {
  record = { ip: IP.eastus2 as string, etag: "etag-1", metadata: {} as Record<string, string>, ttl: 10 };
  seen: Seen[] = [];
  /** Runs once when the next PATCH arrives, before its If-Match is checked: another writer got there first. */
  beforeNextPatch?: () => void;
  /** Answers every GET with 403 AuthorizationFailed, as ARM does for an identity without its role. */
  refuseReads = false;
  private version = 1;

  bump(ip: string): void {
    this.record.ip = ip;
    this.record.etag = `etag-${++this.version}`;
  }

  private body() {
    const r = this.record;
    return {
      id: RECORD_PATH,
      name: "@",
      type: "Microsoft.Network/privateDnsZones/A",
      etag: r.etag,
      properties: { metadata: r.metadata, ttl: r.ttl, fqdn: `${ZONE}.`, aRecords: [{ ipv4Address: r.ip }] },
    };
  }

  handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = new URL(req.url!, "https://localhost");
    const body = raw ? JSON.parse(raw) : undefined;
    const ifMatch = req.headers["if-match"] as string | undefined;
    this.seen.push({
      method: req.method!,
      path: url.pathname,
      apiVersion: url.searchParams.get("api-version"),
      ifMatch,
      authorization: req.headers.authorization,
      body,
    });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    if (url.pathname !== RECORD_PATH) return send(404, { error: { code: "NotFound", message: url.pathname } });
    if (req.method === "GET" && this.refuseReads)
      return send(403, { error: { code: "AuthorizationFailed", message: "no read permission on the record" } });
    if (req.method === "GET") return send(200, this.body());
    if (req.method !== "PATCH") return send(405, { error: { code: "MethodNotAllowed" } });
    this.beforeNextPatch?.();
    this.beforeNextPatch = undefined;
    if (ifMatch !== undefined && ifMatch !== this.record.etag)
      return send(412, { error: { code: "PreconditionFailed", message: "The etag does not match." } });
    this.record.metadata = body.properties.metadata ?? this.record.metadata;
    this.bump(body.properties.aRecords[0].ipv4Address);
    send(200, this.body());
  }
}

const credential: TokenCredential = {
  getToken: async () => ({ token: "fake-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

let dns: DnsStandIn;
let armServer: https.Server;
let armCa: string;
let answers: Record<keyof typeof IP, Answer>;
const gatewayServers: http.Server[] = [];
let gatewayPort: number;
let tmp: string;

function selfSignedCert(dir: string): { key: string; cert: string } {
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  const r = spawnSync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
  ]);
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { key: fs.readFileSync(key, "utf8"), cert: fs.readFileSync(cert, "utf8") };
}

const listen = (server: http.Server | https.Server, host: string, port = 0) =>
  new Promise<number>(resolve => server.listen(port, host, () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "watchdog-"));
  const tls = selfSignedCert(tmp);
  armCa = tls.cert;
  armServer = https.createServer(tls, (req, res) => {
    let raw = "";
    req.on("data", c => (raw += c));
    req.on("end", () => dns.handle(req, raw, res));
  });
  await listen(armServer, "127.0.0.1");
  const gateway = (region: keyof typeof IP) =>
    http.createServer((req, res) => {
      const a = answers[region];
      if (a === "hang") return; // accepts the connection, never answers
      res.writeHead(req.url === STATUS_PATH && a === "ok" ? 200 : 503).end();
    });
  gatewayServers.push(gateway("eastus2"), gateway("centralus"));
  gatewayPort = await listen(gatewayServers[0], IP.eastus2);
  await listen(gatewayServers[1], IP.centralus, gatewayPort);
});

afterAll(async () => {
  for (const s of [armServer, ...gatewayServers]) {
    s.closeAllConnections();
    await new Promise(r => s.close(r));
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

const settings = (over: Partial<WatchdogSettings> = {}): WatchdogSettings => ({
  regions: ["eastus2", "centralus"],
  gateways: IP,
  failureThreshold: 3,
  failBack: "manual",
  cooldownSeconds: 300,
  paused: false,
  probe: { hostName: ZONE, scheme: "http", port: gatewayPort, timeoutMs: 300 },
  ...over,
});

function watchdog(over: Partial<WatchdogSettings> = {}): Watchdog {
  const endpoint = `https://127.0.0.1:${(armServer.address() as AddressInfo).port}`;
  const record = new GatewayRecord({ subscriptionId: SUB, resourceGroupName: RG, zoneName: ZONE }, credential, {
    endpoint,
    agent: new https.Agent({ ca: armCa }),
  });
  return new Watchdog(settings(over), record);
}

/** Runs rounds 10 s apart and returns every outcome. */
async function rounds(w: Watchdog, n: number, start = Date.parse("2026-12-06T10:00:00Z")) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await w.round(start + i * 10_000));
  return out;
}

beforeEach(() => {
  dns = new DnsStandIn();
  answers = { eastus2: "ok", centralus: "ok" };
});

describe("the watchdog against local gateways and a local Private DNS API, through the Azure SDK", () => {
  it("while both gateways answer it only reads the record (GET with the api-version and a bearer token)", async () => {
    const out = await rounds(watchdog(), 3);
    expect(out).toEqual(Array(3).fill({ event: "held", active: "eastus2" }));
    expect(dns.seen.map(s => s.method)).toEqual(["GET", "GET", "GET"]);
    expect(dns.seen[0]).toMatchObject({ path: RECORD_PATH, authorization: "Bearer fake-token" });
    expect(dns.seen[0].apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("after failureThreshold failed probes of the active gateway it PATCHes the record with the ETag it read", async () => {
    answers.eastus2 = "503";
    const out = await rounds(watchdog(), 3);
    expect(out.slice(0, 2)).toEqual(Array(2).fill({ event: "held", active: "eastus2" }));
    expect(out[2]).toEqual({ event: "flipped", from: "eastus2", to: "centralus", reason: "failover" });
    const patch = dns.seen.find(s => s.method === "PATCH")!;
    expect(patch.ifMatch).toBe("etag-1");
    expect(patch.body).toMatchObject({ properties: { aRecords: [{ ipv4Address: IP.centralus }] } });
    // A PATCH names only what it changes: the TTL the program set stays.
    expect((patch.body as { properties: Record<string, unknown> }).properties.ttl).toBeUndefined();
    expect(dns.record).toMatchObject({ ip: IP.centralus, ttl: 10 });
    expect(dns.record.metadata).toEqual({ [FLIPPED_AT]: "2026-12-06T10:00:20.000Z", [FLIPPED_FROM]: "eastus2" });
  });

  it("a gateway that accepts the connection and never answers counts as failed", async () => {
    answers.eastus2 = "hang";
    const out = await rounds(watchdog(), 3);
    expect(out[2]).toMatchObject({ event: "flipped", to: "centralus" });
  });

  it("both gateways down: no write, the alarm", async () => {
    answers = { eastus2: "503", centralus: "503" };
    const out = await rounds(watchdog(), 4);
    expect(out.filter(o => o.event === "alarm")).toEqual([expect.objectContaining({ alarm: "all-regions-down" })]);
    expect(out[3]).toMatchObject({ event: "held", ongoing: "all-regions-down" });
    expect(dns.seen.every(s => s.method === "GET")).toBe(true);
    expect(dns.record.ip).toBe(IP.eastus2);
  });

  it("the cooldown read from the record's metadata holds back a second flip, even in a new instance", async () => {
    answers.eastus2 = "503";
    await rounds(watchdog(), 3);
    answers = { eastus2: "ok", centralus: "503" };
    const out = await rounds(watchdog(), 3, Date.parse("2026-12-06T10:01:00Z"));
    expect(out[2]).toMatchObject({ event: "alarm", alarm: "cooling-down" });
    expect(dns.record.ip).toBe(IP.centralus);
  });

  it("an ETag conflict: it reads again and, as the other writer already moved the record, stops there", async () => {
    answers.eastus2 = "503";
    dns.beforeNextPatch = () => dns.bump(IP.centralus);
    const out = await rounds(watchdog(), 3);
    expect(out[2]).toEqual({ event: "held", active: "centralus" });
    expect(dns.seen.map(s => s.method)).toEqual(["GET", "GET", "GET", "PATCH", "GET"]);
    expect(dns.record.etag).toBe("etag-2");
  });

  it("an ETag conflict with a different target is never written over", async () => {
    answers.eastus2 = "503";
    dns.beforeNextPatch = () => dns.bump("10.9.9.9");
    const out = await rounds(watchdog(), 3);
    expect(out[2]).toMatchObject({ event: "alarm", alarm: "record-changed" });
    expect(dns.seen.filter(s => s.method === "PATCH")).toHaveLength(1);
    expect(dns.record.ip).toBe("10.9.9.9");
  });

  it("a lasting alarm is reported once per incident: its repeats are held rounds naming it, a new incident reports again", async () => {
    const acted = (out: Outcome[]) =>
      out.filter(o => !`watchdog: ${JSON.stringify(o)}`.includes('"event":"held"')).map(o => o.event);
    answers = { eastus2: "503", centralus: "503" };
    const w = watchdog();
    const down = await rounds(w, 10);
    expect(acted(down)).toEqual(["alarm"]);
    expect(down[9]).toEqual({ event: "held", active: "eastus2", ongoing: "all-regions-down" });
    answers = { eastus2: "ok", centralus: "ok" };
    expect(await rounds(w, 1, Date.parse("2026-12-06T10:02:00Z"))).toEqual([{ event: "held", active: "eastus2" }]);
    answers = { eastus2: "503", centralus: "503" };
    expect(acted(await rounds(w, 10, Date.parse("2026-12-06T10:03:00Z")))).toEqual(["alarm"]);
  });

  it("a record it cannot read is reported once as read-failed (never a silent failed run), then again after a good read", async () => {
    dns.refuseReads = true;
    const w = watchdog();
    const out = await rounds(w, 3);
    expect(out[0]).toMatchObject({
      event: "read-failed",
      detail: expect.stringMatching(/AuthorizationFailed|permission/),
    });
    expect(out.slice(1)).toEqual(Array(2).fill({ event: "held", active: undefined, ongoing: "read-failed" }));
    dns.refuseReads = false;
    expect(await rounds(w, 1, Date.parse("2026-12-06T10:01:00Z"))).toEqual([{ event: "held", active: "eastus2" }]);
    dns.refuseReads = true;
    expect(await rounds(w, 1, Date.parse("2026-12-06T10:02:00Z"))).toEqual([
      expect.objectContaining({ event: "read-failed" }),
    ]);
  });

  it("paused with a failover it would make: one alarm, not one per round", async () => {
    answers.eastus2 = "503";
    const out = await rounds(watchdog({ paused: true }), 8);
    expect(out.filter(o => o.event === "alarm")).toEqual([expect.objectContaining({ alarm: "paused" })]);
    expect(out[7]).toMatchObject({ event: "held", ongoing: "paused" });
  });

  it("paused: probes and reports, never writes", async () => {
    answers.eastus2 = "503";
    const out = await rounds(watchdog({ paused: true }), 3);
    expect(out[2]).toMatchObject({ event: "alarm", alarm: "paused" });
    expect(dns.seen.some(s => s.method === "PATCH")).toBe(false);
  });
});
