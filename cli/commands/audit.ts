import type { Command } from "commander";
import type { ApiClient } from "../api-client.js";
import type { AuditEvent } from "../api-types.js";
import { positiveInteger } from "../arguments.js";
import { summarize } from "../audit-summary.js";
import { contextOf } from "../context.js";
import { printJsonLine, table, time, writeLine } from "../output.js";
import { exitOnInterrupt, forgiving, sleep } from "../poll.js";

interface AuditOptions {
  flag?: string;
  env?: string;
  action?: string;
  limit: number;
  follow?: boolean;
  interval: number;
}

type Page = { events: AuditEvent[]; next: number | null };

export function registerAudit(program: Command): void {
  program
    .command("audit")
    .description("read the audit log: who changed what, when (oldest of the shown events first)")
    .option("--flag <key>", "only this flag's events")
    .option("--env <env>", "only this environment's events")
    .option("--action <action>", "only this action, e.g. flag.state.changed or guard.rolled_back")
    .option("--limit <n>", "how many of the newest events to show", positiveInteger, 20)
    .option("-f, --follow", "keep polling and print each new event once, in order (Ctrl-C stops)")
    .option("--interval <ms>", "milliseconds between polls with --follow", positiveInteger, 1000)
    .addHelpText(
      "after",
      `
With --json, prints the API's page ({"events": [...], "next": ...}, newest first); with
--follow --json, one event per line (JSON Lines), oldest first.

Examples:
  $ rollguard audit --flag new-checkout --env production --limit 5
  $ rollguard audit --follow --env production`,
    )
    .action(async (opts: AuditOptions, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const filter = { flag: opts.flag, environment: opts.env, action: opts.action };
      const first = (await api.get<Page>("/api/audit", { ...filter, limit: opts.limit })).body;
      if (!opts.follow) {
        out.result(first, () =>
          table(
            ["ID", "AT", "ACTION", "FLAG", "ENV", "ACTOR", "CHANGE"],
            [...first.events].reverse().map(cells),
            "no events",
          ),
        );
        return;
      }
      exitOnInterrupt();
      const print = (e: AuditEvent) => (out.json ? printJsonLine(e) : writeLine(cells(e).join("  ")));
      let lastId = 0;
      for (const e of [...first.events].reverse()) {
        print(e);
        lastId = e.id;
      }
      if (first.events.length === 0) lastId = await newestId(api);
      const poll = forgiving(() => eventsAfter(api, filter, lastId));
      for (;;) {
        await sleep(opts.interval);
        const fresh = (await poll()) ?? [];
        for (const e of fresh) print(e);
        if (fresh.length > 0) lastId = fresh[fresh.length - 1]!.id;
      }
    });
}

function cells(e: AuditEvent): string[] {
  return [
    `#${e.id}`,
    time(e.at),
    e.action,
    e.flagKey ?? "-",
    e.environment ?? "-",
    e.actor,
    summarize(e) || "-",
  ];
}

// Ids grow across the whole log; with a filter that matched nothing yet, start after the newest
// event of any kind so nothing older is printed as if new.
async function newestId(api: ApiClient): Promise<number> {
  const { body } = await api.get<Page>("/api/audit", { limit: 1 });
  return body.events[0]?.id ?? 0;
}

/** Every matching event newer than `lastId`, oldest first, paging back as far as needed. */
async function eventsAfter(api: ApiClient, filter: Record<string, string | undefined>, lastId: number) {
  const fresh: AuditEvent[] = [];
  for (let before: number | undefined; ; ) {
    const { body } = await api.get<Page>("/api/audit", { ...filter, limit: 100, before });
    const newer = body.events.filter((e) => e.id > lastId);
    fresh.push(...newer);
    if (newer.length < body.events.length || body.next === null) break;
    before = body.next;
  }
  return fresh.sort((a, b) => a.id - b.id);
}
