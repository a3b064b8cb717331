import { checkFields, type FieldRule, type JsonObject, PluginError } from "@callgate/protocol";

/** Validates a plugin request body with the plugin's own missing/invalid codes, throwing PluginError. */
export function checkBody(
  body: JsonObject,
  rules: readonly FieldRule[],
  codes: { missing: number; invalid: number },
): void {
  const problem = checkFields(body, rules, codes);
  if (problem) throw new PluginError(problem[0], problem[1]);
}
