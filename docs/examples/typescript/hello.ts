/**
 * One chat completion in each style, printing the gateway region that answered.
 *   AOAI_CLIENT_SETTINGS=client-settings.json npx tsx hello.ts [deployment]
 */
import { deploymentsClient, loadSettings, v1Client } from "./gatewayClient";

async function main(): Promise<void> {
  const settings = loadSettings();
  const model = process.argv[2] ?? settings.deployments[0]; // a deployment name: the model's name
  const messages = [{ role: "user" as const, content: "Say hello" }];

  const viaDeployments = await deploymentsClient(settings).chat.completions.create({ model, messages }).withResponse();
  console.log(viaDeployments.response.headers.get("x-gateway-region"), viaDeployments.data.choices[0].message.content);

  const viaV1 = await v1Client(settings).chat.completions.create({ model, messages }).withResponse();
  console.log(viaV1.response.headers.get("x-gateway-region"), viaV1.data.choices[0].message.content);
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
