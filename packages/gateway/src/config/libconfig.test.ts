import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "./errors.js";
import { parseLibconfig } from "./libconfig.js";

describe("libconfig parser", () => {
  it("reads Janus-style groups, scalars, arrays, comments and concatenated strings", () => {
    const { tree, lines } = parseLibconfig(
      `# comment
general: {
\tdebug_level = 4\t\t\t# trailing comment
\tadmin_secret = "s3cr\\"et"   // another
\ttoken_auth = true;
\tsession_timeout = 0x3CL
\tratio = 1.5e1,
\tprotected_folders = [ "/bin", "/etc" ]
\tlist = ( 1, "two", { three = 3 } )
\tjoined = "a" "b"
}
/* block
   comment */
nat: { ice_ignore_list = "vmnet,docker" }
`,
      "janus.jcfg",
    );
    assert.deepEqual(tree, {
      general: {
        debug_level: 4,
        admin_secret: 's3cr"et',
        token_auth: true,
        session_timeout: 60,
        ratio: 15,
        protected_folders: ["/bin", "/etc"],
        list: [1, "two", { three: 3 }],
        joined: "ab",
      },
      nat: { ice_ignore_list: "vmnet,docker" },
    });
    assert.equal(lines.get("general.admin_secret"), 4);
    assert.equal(lines.get("nat.ice_ignore_list"), 14);
  });

  const bad: Array<[string, number, RegExp]> = [
    ["general: {\n  a = \n}", 3, /expected a value/],
    ["general: {\n  a = yes\n}", 2, /invalid value 'yes'/],
    ['general: {\n  a = "open\n}', 2, /unterminated string/],
    ["general: {\n  a = 1\n", 3, /missing '}'/],
    ["general: {\n  a = 1\n  a = 2\n}", 3, /duplicate setting 'a'/],
    ["general {\n}", 1, /expected '=' or ':'/],
    ["/* never closed\n", 1, /unterminated comment/],
  ];
  for (const [text, line, reason] of bad) {
    it(`fails with file, line and reason: ${reason}`, () => {
      assert.throws(
        () => parseLibconfig(text, "bad.jcfg"),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.file === "bad.jcfg" &&
          err.line === line &&
          reason.test(err.reason),
      );
    });
  }
});
