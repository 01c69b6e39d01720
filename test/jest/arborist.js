// @npmcli/arborist (the package-tree reader of function serialization), loaded on first use (./lazyModule.js).
// @pulumi/pulumi's compiled `import * as arborist` wraps a CommonJS module in a copy of its properties, which would
// load it at once; answering `__esModule` makes the wrapper keep the module as it is, read on use.
"use strict";
const { createRequire } = require("module");
const lazyModule = require("./lazyModule");

const pulumi = createRequire(__filename).resolve("@pulumi/pulumi/package.json");
module.exports = lazyModule(createRequire(pulumi).resolve("@npmcli/arborist"), true);
