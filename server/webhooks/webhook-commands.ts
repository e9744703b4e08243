import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { type ChangeDeps, commitChange } from "../kernel/change/change-path.js";
import { type Db, one, single } from "../kernel/db/database.js";
import { findEnvironment } from "../kernel/db/environment-rows.js";
import { webhooks } from "../kernel/db/schema.js";
import * as errors from "../kernel/errors.js";

export type WebhookRow = typeof webhooks.$inferSelect;

export interface WebhookOut {
  id: string;
  environment: string;
  url: string;
  events: string[];
  createdAt: string;
}

export function toWebhookOut(row: WebhookRow): WebhookOut {
  return {
    id: row.id,
    environment: row.environment,
    url: row.url,
    events: row.events,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** The audit trail keeps where a webhook points, not its path: receiver URLs often hold a secret. */
function auditView(row: WebhookRow) {
  return { id: row.id, environment: row.environment, origin: new URL(row.url).origin, events: row.events };
}

export async function webhooksOf(db: Db, environment: string): Promise<WebhookRow[]> {
  return await db
    .select()
    .from(webhooks)
    .where(eq(webhooks.environment, environment))
    .orderBy(asc(webhooks.createdAt));
}

export async function createWebhook(
  deps: ChangeDeps,
  environment: string,
  input: { url: string; events?: string[] | undefined },
  actor: string,
): Promise<WebhookOut> {
  return await commitChange(deps, async (tx, now) => {
    if (!(await findEnvironment(tx, environment)))
      throw errors.notFound(`environment \`${environment}\` does not exist`);
    const row = await tx
      .insert(webhooks)
      .values({ id: randomUUID(), environment, url: input.url, events: input.events ?? [], createdAt: now })
      .returning()
      .then(single);
    return {
      result: toWebhookOut(row),
      audit: [{ actor, action: "webhook.created", environment, after: auditView(row) }],
      touched: [],
    };
  });
}

export async function deleteWebhook(deps: ChangeDeps, id: string, actor: string): Promise<void> {
  await commitChange(deps, async (tx) => {
    const row = await tx.select().from(webhooks).where(eq(webhooks.id, id)).then(one);
    if (!row) throw errors.notFound(`webhook \`${id}\` does not exist`);
    await tx.delete(webhooks).where(eq(webhooks.id, id));
    return {
      result: undefined,
      audit: [{ actor, action: "webhook.deleted", environment: row.environment, before: auditView(row) }],
      touched: [],
    };
  });
}
