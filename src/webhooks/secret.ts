// Each account has one webhook signing secret, made on first use.
import { and, eq, isNull } from "drizzle-orm";
import type { Env } from "../env.ts";
import { db } from "../db/client.ts";
import { accounts } from "../db/schema.ts";
import { newWebhookSecret } from "./signing.ts";

export async function webhookSecret(env: Env, accountId: string): Promise<string> {
  const database = db(env.DB);
  // Set only if unset, then read back: two first uses at once agree on one secret.
  await database
    .update(accounts)
    .set({ webhookSecret: newWebhookSecret() })
    .where(and(eq(accounts.id, accountId), isNull(accounts.webhookSecret)));
  const row = await database.select({ secret: accounts.webhookSecret }).from(accounts).where(eq(accounts.id, accountId)).get();
  if (!row?.secret) throw new Error(`account ${accountId} not found`);
  return row.secret;
}
