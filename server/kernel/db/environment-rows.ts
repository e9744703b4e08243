import { eq } from "drizzle-orm";
import type { Db } from "./database.js";
import { environments } from "./schema.js";

/**
 * An environment row. Environments are the kernel's: the change path counts each one's
 * revision, and every feature that names an environment (tokens, webhooks, flags) checks it here.
 */
export async function findEnvironment(db: Db, key: string) {
  const [row] = await db.select().from(environments).where(eq(environments.key, key));
  return row;
}
