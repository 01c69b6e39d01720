/**
 * Resource validations for given types. Like @pulumi/policy's `validateResourceOfType`, but keyed by type
 * token, so the pack does not load the azure-native SDK to check a few inputs.
 */
import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";

export function validateResourcesOf<T>(
  accepts: string | ((type: string) => boolean),
  validate: (props: T, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  const applies = typeof accepts === "string" ? (type: string) => type === accepts : accepts;
  return (args, report) => {
    if (!applies(args.type))
      args.notApplicable(typeof accepts === "string" ? `applies to ${accepts} only` : "does not apply to this type");
    validate(args.props as T, args, report);
  };
}
