// API key management: `npm run keys -- create --account <name|id> [--name label]`,
// `npm run keys -- list`, `npm run keys -- revoke <key id | key>`. Add `--remote` to act on
// the deployed D1 database instead of the local one.
import { parseArgs } from "node:util";
import { createKey, listKeys, revokeKey } from "./lib/key-store.ts";
import { localStateDir } from "./lib/paths.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    account: { type: "string" },
    name: { type: "string" },
    remote: { type: "boolean", default: false },
    "persist-to": { type: "string" },
  },
});
const target = { remote: values.remote, persistTo: values["persist-to"] ?? localStateDir };
const [command, arg] = positionals;

switch (command) {
  case "create": {
    if (!values.account) throw new Error("create needs --account <account name or id>");
    const created = await createKey(target, { account: values.account, name: values.name });
    console.log(`account: ${created.accountId}\nkey id:  ${created.keyId}\nkey:     ${created.key}`);
    console.log("Store the key now: only its hash is kept.");
    break;
  }
  case "list":
    console.table(
      (await listKeys(target)).map((k) => ({
        id: k.id,
        account: `${k.account_name} (${k.account_id})`,
        name: k.name,
        prefix: k.prefix,
        created: new Date(k.created_at).toISOString(),
        revoked: k.revoked_at ? new Date(k.revoked_at).toISOString() : "",
      })),
    );
    break;
  case "revoke": {
    if (!arg) throw new Error("revoke needs a key id or the key itself");
    const n = await revokeKey(target, arg);
    console.log(n ? `revoked ${n} key` : "no active key matched");
    process.exitCode = n ? 0 : 1;
    break;
  }
  default:
    console.error("usage: npm run keys -- create --account <name|id> [--name label] | list | revoke <id|key> [--remote]");
    process.exitCode = 2;
}
