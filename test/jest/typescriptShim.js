// @pulumi/pulumi's typescript-shim (the TypeScript compiler, for function serialization), loaded on first use (./lazyModule.js).
"use strict";
const { createRequire } = require("module");
const lazyModule = require("./lazyModule");

const pulumi = createRequire(__filename).resolve("@pulumi/pulumi/package.json");
module.exports = lazyModule(createRequire(pulumi).resolve("./typescript-shim.js"));
