/**
 * The benchmark's floor: node, @pulumi/pulumi and its mock runtime running an empty program. Plain
 * JavaScript, so nothing but what every offline plan must pay is measured.
 */
"use strict";
const pulumi = require("@pulumi/pulumi");

(async () => {
  await pulumi.runtime.setMocks(
    { newResource: a => ({ id: a.name, state: a.inputs }), call: a => a.inputs },
    "floor",
    "floor",
    false,
  );
  await pulumi.runtime.runInPulumiStack(async () => ({}));
  await pulumi.runtime.disconnect();
})();
