import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { type ChangeDeps, commitChange } from "../kernel/change/change-path.js";
import { type Db, one, single } from "../kernel/db/database.js";
import { findEnvironment } from "../kernel/db/environment-rows.js";
import { webhooks } from "../kernel/db/schema.js";
import * as errors from "../kernel/errors.js";
import { newWebhookSecret } from "./signature.js";

export type WebhookRow = typeof webhooks.$inferSelect;

export interface WebhookOut {
  id: string;
  environment: string;
  url: string;
  events: string[];
  /** While a rotation's grace period lasts, the old secret also signs; until then. */
  previousSecretUntil: string | null;
  createdAt: string;
}

/** Create and rotate answer the secret, once; no other answer carries it. */
export type WebhookWithSecret = WebhookOut & { secret: string };

/** The longest grace period a rotation may give the old secret: a week, as receivers deploy. */
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;
export const DEFAULT_GRACE_SECONDS = 24 * 3600;

export function toWebhookOut(row: WebhookRow, now: number): WebhookOut {
  const rotating = previousSecretLive(row, now);
  return {
    id: row.id,
    environment: row.environment,
    url: row.url,
    events: row.events,
    previousSecretUntil: rotating ? new Date(row.previousSecretUntil!).toISOString() : null,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

function previousSecretLive(row: WebhookRow, now: number): boolean {
  return row.previousSecret !== null && row.previousSecretUntil !== null && row.previousSecretUntil > now;
}

/** The secrets a delivery at `now` is signed with: the current one, and the previous in its grace. */
export function signingSecrets(row: WebhookRow, now: number): string[] {
  return previousSecretLive(row, now) ? [row.secret, row.previousSecret!] : [row.secret];
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

export async function webhookById(db: Db, id: string): Promise<WebhookRow | undefined> {
  return await db.select().from(webhooks).where(eq(webhooks.id, id)).then(one);
}

export async function createWebhook(
  deps: ChangeDeps,
  environment: string,
  input: { url: string; events?: string[] | undefined },
  actor: string,
): Promise<WebhookWithSecret> {
  return await commitChange(deps, async (tx, now) => {
    if (!(await findEnvironment(tx, environment)))
      throw errors.notFound(`environment \`${environment}\` does not exist`);
    const secret = newWebhookSecret();
    const row = await tx
      .insert(webhooks)
      .values({
        id: randomUUID(),
        environment,
        url: input.url,
        events: input.events ?? [],
        secret,
        createdAt: now,
      })
      .returning()
      .then(single);
    return {
      result: { ...toWebhookOut(row, now), secret },
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

/**
 * A new signing secret, answered once. The old one keeps signing beside it for `graceSeconds`
 * (0: not at all), so receivers can switch without a gap; a second rotation within the grace
 * period drops the oldest secret.
 */
export async function rotateWebhookSecret(
  deps: ChangeDeps,
  id: string,
  graceSeconds: number,
  actor: string,
): Promise<WebhookWithSecret> {
  return await commitChange(deps, async (tx, now) => {
    const row = await tx.select().from(webhooks).where(eq(webhooks.id, id)).then(one);
    if (!row) throw errors.notFound(`webhook \`${id}\` does not exist`);
    const secret = newWebhookSecret();
    const until = graceSeconds > 0 ? now + graceSeconds * 1000 : null;
    const updated = await tx
      .update(webhooks)
      .set({ secret, previousSecret: until === null ? null : row.secret, previousSecretUntil: until })
      .where(eq(webhooks.id, id))
      .returning()
      .then(single);
    return {
      result: { ...toWebhookOut(updated, now), secret },
      audit: [
        {
          actor,
          action: "webhook.secret_rotated",
          environment: row.environment,
          after: auditView(updated),
          detail: { graceSeconds },
        },
      ],
      touched: [],
    };
  });
}
