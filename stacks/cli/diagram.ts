/**
 * Topology diagrams rendered from a plan's stack outputs: a plain-text one that reads at a glance in a
 * terminal or a PR comment, and a Mermaid one that GitHub renders as a picture.
 */
import type { AccountOutput, DeploymentOutput, StackOutputs } from "../../infra/outputs";
import type { FailoverChain } from "../../infra/topology";

const unit = (d: DeploymentOutput) => (d.sku.endsWith("ProvisionedManaged") ? "PTU" : "K TPM");

function accountLabel(key: string, a: AccountOutput): string {
  const role = a.regionRole ? `${a.role}/${a.regionRole}` : a.workload ? `${a.role}: ${a.workload}` : a.role;
  return `${key} [${role}${a.subscription !== "primary" ? `, subscription ${a.subscription}` : ""}]`;
}

function tiersByPriority(chain: FailoverChain) {
  const groups = new Map<number, FailoverChain["tiers"]>();
  for (const t of [...chain.tiers].sort((x, y) => x.priority - y.priority)) {
    groups.set(t.priority, [...(groups.get(t.priority) ?? []), t]);
  }
  return [...groups.entries()];
}

export function renderText(project: string, stack: string, o: StackOutputs): string {
  const g = o.gateway;
  const lines = [
    `${project} / ${stack}  (data zone: ${o.dataZone})`,
    "",
    o.entry.mode === "public"
      ? `Entry (public): Front Door + WAF at ${o.entry.frontDoorHost} -> every gateway region`
      : `Entry (private): ${o.entry.gatewayHost} -> ${o.entry.activeRegion} gateway (${o.entry.activeIp}) by private DNS`,
    `Gateway: ${g.mode}, callers by ${g.callerAuth}`,
    ...Object.entries(g.hosts).map(([region, host]) => `  ${region}: ${host}`),
    "",
    "Regions and accounts",
  ];
  const regions = [...new Set(Object.values(o.accounts).map(a => a.region))];
  for (const region of regions) {
    lines.push(`  ${region}`);
    for (const [key, a] of Object.entries(o.accounts).filter(([, a]) => a.region === region)) {
      lines.push(`    ${accountLabel(key, a)}  ${a.name}`);
      for (const [name, d] of Object.entries(a.deployments)) {
        lines.push(
          `      - ${name}: ${d.model} ${d.version}, ${d.sku}, ${d.capacity} ${unit(d)} (${d.capacitySource})`,
        );
      }
    }
  }
  lines.push("", "Failover chains (left to right; '|' = same priority, weighted)");
  for (const c of Object.values(o.chains)) {
    const steps = tiersByPriority(c).map(
      ([p, tiers]) =>
        `[${p}] ${tiers.map(t => `${t.account}@${o.accounts[t.account]?.region}${tiers.length > 1 ? ` w${t.weight}` : ""}`).join(" | ")}`,
    );
    lines.push(`  ${c.name} (${c.deployment}): ${steps.join(" -> ")}`);
  }
  const apps = Object.entries(o.applications ?? {});
  if (apps.length > 0) {
    lines.push("", "Applications (priority 1 = most critical)");
    for (const [name, a] of apps) lines.push(`  ${name} (priority ${a.priority}): ${a.chains.join(", ")}`);
  }
  return lines.join("\n") + "\n";
}

const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, "_");

export function renderMermaid(o: StackOutputs): string {
  const entry = o.entry.mode === "public" ? "Front Door + WAF" : `private DNS -> ${o.entry.activeRegion}`;
  const lines = ["flowchart LR", `  clients(["clients"]) --> entry{{"${entry}"}}`];
  for (const region of Object.keys(o.gateway.hosts))
    lines.push(`  entry --> ${id(`gw_${region}`)}[["gateway ${region}"]]`);
  const regions = [...new Set(Object.values(o.accounts).map(a => a.region))];
  for (const region of regions) {
    lines.push(`  subgraph ${id(region)}["${region}"]`);
    for (const [key, a] of Object.entries(o.accounts).filter(([, a]) => a.region === region)) {
      const deps = Object.values(a.deployments)
        .map(d => `${d.model} ${d.capacity} ${unit(d)}`)
        .join("<br/>");
      lines.push(`    ${id(key)}["${key}<br/>${a.role}<br/>${deps}"]`);
    }
    lines.push("  end");
  }
  for (const c of Object.values(o.chains)) {
    lines.push(`  ${id(`chain_${c.name}`)}(["${c.name}"])`);
    for (const region of Object.keys(o.gateway.hosts))
      lines.push(`  ${id(`gw_${region}`)} --> ${id(`chain_${c.name}`)}`);
    for (const t of c.tiers)
      lines.push(`  ${id(`chain_${c.name}`)} -- "p${t.priority} w${t.weight}" --> ${id(t.account)}`);
  }
  return lines.join("\n") + "\n";
}
