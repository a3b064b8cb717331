import type { JsonObject } from "@callgate/protocol";

/** How a step's answers are compared between Janus and Callgate. */
export type Compare =
  /** everything, after ids are replaced by names */
  | "exact"
  /** keys and value types only (e.g. server_info, whose names and versions are each gateway's own) */
  | "shape"
  /** the message type, error code and the reason up to its first ':' (JSON parser texts differ) */
  | "code"
  /** everything, with arrays sorted (Janus lists tokens and users in hash-table order) */
  | "unordered";

export interface Recorded {
  step: string;
  compare: Compare;
  value: unknown;
}

/** Collects each step's answer, with the gateway's random ids replaced by stable names. */
export class Recorder {
  readonly steps: Recorded[] = [];
  private readonly names = new Map<number, string>();

  name(id: number, as: string): number {
    this.names.set(id, as);
    return id;
  }

  record(step: string, value: unknown, compare: Compare = "exact"): void {
    this.steps.push({ step, compare, value: this.project(this.normalize(value), compare) });
  }

  private normalize(value: unknown): unknown {
    if (typeof value === "number") return this.names.get(value) ?? value;
    if (typeof value === "string") {
      let out = value;
      for (const [id, name] of this.names) out = out.split(String(id)).join(name);
      return out;
    }
    if (Array.isArray(value)) return value.map((v) => this.normalize(v));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value as JsonObject).map(([k, v]) => [k, this.normalize(v)]));
    }
    return value;
  }

  private project(value: unknown, compare: Compare): unknown {
    if (compare === "exact") return value;
    if (compare === "shape") return shape(value);
    if (compare === "unordered") return sortArrays(value);
    const m = value as JsonObject;
    const error = m?.error as JsonObject | undefined;
    return {
      janus: m?.janus,
      transaction: m?.transaction,
      session_id: m?.session_id,
      code: error?.code,
      reason: typeof error?.reason === "string" ? error.reason.split(":")[0] : undefined,
    };
  }
}

function sortArrays(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map(sortArrays).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as JsonObject).map(([k, v]) => [k, sortArrays(v)]));
  }
  return value;
}

/** Keys whose content is each gateway's own (library versions): compared as "an object" only. */
const opaqueKeys = new Set(["dependencies"]);

function shape(value: unknown, key?: string): unknown {
  if (key !== undefined && opaqueKeys.has(key)) return typeof value;
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as JsonObject)
        .sort()
        .map((k) => [k, shape((value as JsonObject)[k], k)]),
    );
  }
  return typeof value;
}
