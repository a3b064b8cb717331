/** Path parameters: ids are 26 lower-case base32 characters; "me" stands for oneself where allowed. */
export function idParams(name: string, allowMe = false) {
  return {
    type: "object",
    required: [name],
    properties: { [name]: { type: "string", pattern: allowMe ? "^([a-z0-9]{26}|me)$" : "^[a-z0-9]{26}$" } },
  } as const;
}
