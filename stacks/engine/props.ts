/**
 * A resource's properties as the engine exchanges them: the inputs the program sends and the state the
 * mocks answer. Their shape is the resource type's ARM body at its API version, so Pulumi's mock interface
 * types them `any` (`MockResourceArgs.inputs`, https://www.pulumi.com/docs/iac/guides/testing/unit/); the
 * mocks and refusals read them by Azure's REST property names with optional chaining, and coerce
 * (`String(...)`, `Number(...)`) what they compare.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one shape per resource type, read by name (above)
export type Props = Record<string, any>;
