import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { type ChangeDeps, commitChange } from "../kernel/change/change-path.js";
import type { Db } from "../kernel/db/database.js";
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

export function webhooksOf(db: Db, environment: string): WebhookRow[] {
  return db
    .select()
    .from(webhooks)
    .where(eq(webhooks.environment, environment))
    .orderBy(asc(webhooks.createdAt))
    .all();
}

export function createWebhook(
  deps: ChangeDeps,
  environment: string,
  input: { url: string; events?: string[] | undefined },
  actor: string,
): WebhookOut {
  return commitChange(deps, (tx, now) => {
    if (!findEnvironment(tx, environment))
      throw errors.notFound(`environment \`${environment}\` does not exist`);
    const row = tx
      .insert(webhooks)
      .values({ id: randomUUID(), environment, url: input.url, events: input.events ?? [], createdAt: now })
      .returning()
      .get();
    return {
      result: toWebhookOut(row),
      audit: [{ actor, action: "webhook.created", environment, after: auditView(row) }],
      touched: [],
    };
  });
}

export function deleteWebhook(deps: ChangeDeps, id: string, actor: string): void {
  commitChange(deps, (tx) => {
    const row = tx.select().from(webhooks).where(eq(webhooks.id, id)).get();
    if (!row) throw errors.notFound(`webhook \`${id}\` does not exist`);
    tx.delete(webhooks).where(eq(webhooks.id, id)).run();
    return {
      result: undefined,
      audit: [{ actor, action: "webhook.deleted", environment: row.environment, before: auditView(row) }],
      touched: [],
    };
  });
}
