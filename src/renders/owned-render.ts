// Reading and cancelling one render of an account, whichever dialect created it: an account
// sees its renders from every dialect, and no other account's.
import { and, eq, isNull } from "drizzle-orm";
import type { Env } from "../env.ts";
import { db } from "../db/client.ts";
import { renders, type RenderRow } from "../db/schema.ts";
import { DomainError } from "../core/errors.ts";
import { renderJob } from "../jobs/job-stub.ts";

export async function ownedRender(env: Env, accountId: string, id: string): Promise<RenderRow> {
  const row = await db(env.DB)
    .select()
    .from(renders)
    .where(and(eq(renders.id, id), eq(renders.accountId, accountId), isNull(renders.deletedAt)))
    .get();
  if (!row) throw new DomainError("not_found", "render_not_found", `render '${id}' was not found`, "render_id");
  return row;
}

/** Soft-deletes a render; one still running is stopped, which also frees its concurrency slot. */
export async function cancelRender(env: Env, row: RenderRow): Promise<void> {
  await db(env.DB).update(renders).set({ deletedAt: Date.now() }).where(eq(renders.id, row.id));
  await renderJob(env, row.id).fail("render was deleted before it finished");
}
