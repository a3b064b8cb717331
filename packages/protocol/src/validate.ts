import { JanusError, JanusErrorCode } from "./errors.js";

/**
 * Field checks that produce Janus's own validation texts
 * ("Missing mandatory element (x)", "Invalid element type (x should be a string)"),
 * mirroring JANUS_VALIDATE_JSON_OBJECT in Janus's src/utils.h.
 */
export type FieldKind = "string" | "boolean" | "integer" | "positive integer" | "object" | "array";

export interface FieldRule {
  name: string;
  kind: FieldKind;
  required?: boolean;
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function matches(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isSafeInteger(value);
    case "positive integer":
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case "object":
      return isJsonObject(value);
    case "array":
      return Array.isArray(value);
  }
}

function article(kind: FieldKind): string {
  return kind === "integer" || kind === "object" || kind === "array" ? `an ${kind}` : `a ${kind}`;
}

export interface ValidationCodes {
  missing: number;
  invalid: number;
}

const coreCodes: ValidationCodes = {
  missing: JanusErrorCode.MISSING_MANDATORY_ELEMENT,
  invalid: JanusErrorCode.INVALID_ELEMENT_TYPE,
};

/** Returns the first problem with `obj` as [code, reason], or undefined when every rule holds. */
export function checkFields(
  obj: JsonObject,
  rules: readonly FieldRule[],
  codes: ValidationCodes = coreCodes,
  prefix = "",
): [number, string] | undefined {
  for (const rule of rules) {
    const value = obj[rule.name];
    if (value === undefined || value === null) {
      if (rule.required) return [codes.missing, `${prefix}Missing mandatory element (${rule.name})`];
      continue;
    }
    if (!matches(value, rule.kind)) {
      return [codes.invalid, `${prefix}Invalid element type (${rule.name} should be ${article(rule.kind)})`];
    }
  }
  return undefined;
}

/** Like checkFields, but throws a JanusError carrying the core's codes. */
export function validateFields(obj: JsonObject, rules: readonly FieldRule[], withTransaction = true): void {
  const problem = checkFields(obj, rules);
  if (problem) throw new JanusError(problem[0] as JanusErrorCode, problem[1], { withTransaction });
}

/** Janus reads ids as JSON integers; anything else counts as absent (0). */
export function readId(value: unknown): number {
  return Number.isSafeInteger(value) ? (value as number) : 0;
}

/** The parts of a request every dispatcher reads first: ids, transaction (if a string) and the lower-cased verb. */
export function readEnvelope(message: JsonObject): {
  sessionId: number;
  handleId: number;
  transaction: string | undefined;
  verb: string;
} {
  return {
    sessionId: readId(message.session_id),
    handleId: readId(message.handle_id),
    transaction: typeof message.transaction === "string" ? message.transaction : undefined,
    verb: typeof message.janus === "string" ? message.janus.toLowerCase() : "",
  };
}

/** Janus checks `transaction` and `janus` first, and answers problems with them without a transaction. */
export function validateEnvelope(message: JsonObject, extra: readonly FieldRule[] = []): void {
  validateFields(
    message,
    [
      { name: "transaction", kind: "string", required: true },
      { name: "janus", kind: "string", required: true },
      ...extra,
    ],
    false,
  );
}
