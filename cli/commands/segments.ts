import type { Command } from "commander";
import type { Condition, Segment } from "../api-types.js";
import { collect } from "../arguments.js";
import { usageError } from "../cli-error.js";
import { contextOf } from "../context.js";
import { examples } from "../help.js";
import { table, time } from "../output.js";
import { idList, type SegmentInputOptions, segmentBody } from "../segment-input.js";

const segmentPath = (key: string) => `/api/segments/${encodeURIComponent(key)}`;

/** How many ids `segments get` prints before "… and N more"; --json has them all. */
const IDS_SHOWN = 20;

/** The input options that create and update share (see segment-input.ts). */
function inputOptions(cmd: Command): Command {
  return cmd
    .option("--description <text>", "what the audience is")
    .option("--id-attribute <attribute>", "the context attribute matched against the ids (default userId)")
    .option("--ids <a,b,c>", "ids in the segment, comma-separated (repeat for more)", collect)
    .option("--ids-file <file>", "ids in the segment, one per line (- reads stdin)")
    .option("--conditions-file <file>", "a JSON array of conditions that all must hold (- reads stdin)")
    .option("--file <file>", "the segment as JSON, as the API takes it (- reads stdin); options win over it");
}

export function registerSegments(program: Command): void {
  const segments = examples(
    program
      .command("segments")
      .description(
        "named audiences (ids, conditions) that rules of any flag reference, in every environment",
      ),
    "rollguard segments create beta-testers --ids u-1,u-2 --description 'signed up for the beta'",
    "rollguard segments update beta-testers --add-ids u-3",
    "rollguard segments list",
  );

  const list = segments
    .command("list")
    .description("list segments with their size and the flags that use them")
    .action(async (_opts: unknown, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.get<{ segments: Segment[] }>("/api/segments");
      out.result(body, () =>
        table(
          ["KEY", "IDS", "CONDITIONS", "USED BY", "VERSION", "UPDATED", "DESCRIPTION"],
          body.segments.map((s) => [
            s.key,
            String(s.ids.length),
            String(s.conditions.length),
            usedByFlags(s).join(",") || "-",
            String(s.version),
            time(s.updatedAt),
            s.description,
          ]),
          "no segments (`rollguard segments create KEY --ids a,b` makes one)",
        ),
      );
    });
  examples(
    list,
    "rollguard segments list",
    "rollguard segments list --json | jq -r '.segments[] | select(.usedBy == []) | .key'",
  );

  const get = segments
    .command("get")
    .description("show one segment: its ids, its conditions and the rules that use it")
    .argument("<key>", "the segment's key")
    .action(async (key: string, _opts: unknown, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.get<Segment>(segmentPath(key));
      out.result(body, () => segmentDetail(body));
    });
  examples(
    get,
    "rollguard segments get beta-testers",
    "rollguard segments get beta-testers --json | jq -r '.ids[]'",
  );

  const create = inputOptions(
    segments
      .command("create")
      .description(
        "create a segment: a context is in it when its id is listed, or when all its conditions hold",
      )
      .argument("<key>", "a-z, 0-9, '.', '_', '-'"),
  ).action(async (key: string, opts: SegmentInputOptions, cmd: Command) => {
    const body = segmentBody(opts);
    if (body.key !== undefined && body.key !== key)
      throw usageError(
        `the segment file names key \`${String(body.key)}\`, the command \`${key}\`: give one`,
      );
    const { api, out } = contextOf(cmd);
    const { body: made } = await api.request<Segment>("POST", "/api/segments", { body: { ...body, key } });
    out.result(made, () => `created segment ${made.key}: ${summary(made)}`);
  });
  examples(
    create,
    "rollguard segments create beta-testers --ids u-1,u-2,u-3",
    "rollguard segments create staff --conditions-file staff.json --description 'our own people'",
    "rollguard segments create big-customers --id-attribute accountId --ids-file accounts.txt",
    `echo '{"ids": ["u-1"], "conditions": []}' | rollguard segments create pilot --file -`,
  );

  const update = inputOptions(
    segments
      .command("update")
      .description("change a segment; ids and conditions given replace the whole list (--add-ids adds)")
      .argument("<key>", "the segment's key"),
  )
    .option("--add-ids <a,b,c>", "add these ids to the ones it has (repeat for more)", collect)
    .option("--remove-ids <a,b,c>", "remove these ids from the ones it has (repeat for more)", collect)
    .option("--if-match <version>", "fail with exit 5 unless the segment is still at this version")
    .action(
      async (
        key: string,
        opts: SegmentInputOptions & { addIds?: string[]; removeIds?: string[]; ifMatch?: string },
        cmd: Command,
      ) => {
        const body = segmentBody(opts);
        if (body.key !== undefined && body.key !== key)
          throw usageError(
            `the segment file names key \`${String(body.key)}\`, the command \`${key}\`: a key cannot change`,
          );
        delete body.key;
        const edits = opts.addIds !== undefined || opts.removeIds !== undefined;
        if (edits && body.ids !== undefined)
          throw usageError(
            "give either the whole list (--ids, --ids-file, ids in --file) or --add-ids/--remove-ids",
          );
        if (!edits && Object.keys(body).length === 0)
          throw usageError(
            "nothing to change",
            "give --ids, --add-ids, --remove-ids, --conditions-file, --description, --id-attribute or --file (`rollguard segments update --help`)",
          );
        const { api, out } = contextOf(cmd);
        let ifMatch: string | number | undefined = opts.ifMatch;
        if (edits) {
          // Read, edit, write with If-Match on what was read: an edit made meanwhile is never lost (exit 5).
          const { body: current } = await api.get<Segment>(segmentPath(key));
          const add = idList({ ids: opts.addIds }) ?? [];
          const remove = new Set(idList({ ids: opts.removeIds }) ?? []);
          body.ids = [...new Set([...current.ids, ...add])].filter((id) => !remove.has(id));
          ifMatch ??= current.version;
        }
        const { body: changed } = await api.request<Segment>("PATCH", segmentPath(key), { body, ifMatch });
        out.result(
          changed,
          () => `updated segment ${changed.key} (version ${changed.version}): ${summary(changed)}`,
        );
      },
    );
  examples(
    update,
    "rollguard segments update beta-testers --add-ids u-4,u-5 --remove-ids u-1",
    "rollguard segments update beta-testers --ids-file beta.txt --if-match 3",
    "rollguard segments update staff --conditions-file staff.json",
  );

  const remove = segments
    .command("delete")
    .description("delete a segment; refused (exit 5, naming the flags) while a rule uses it")
    .argument("<key>", "the segment's key")
    .addHelpText("after", '\nWith --json prints {"key", "deleted": true} (the API answers 204).')
    .action(async (key: string, _opts: unknown, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      await api.request("DELETE", segmentPath(key));
      out.result({ key, deleted: true }, () => `deleted segment ${key}`);
    });
  examples(remove, "rollguard segments delete old-beta");
}

const usedByFlags = (s: Segment) => [...new Set(s.usedBy.map((u) => u.flag))];

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

function summary(s: Segment): string {
  return `${plural(s.ids.length, "id")} (by ${s.idAttribute}), ${plural(s.conditions.length, "condition")}`;
}

export function conditionText(c: Condition): string {
  const values = c.values.map((v) => JSON.stringify(v)).join(", ");
  return `${c.attribute} ${c.operator} ${values}${c.caseInsensitive ? " (case-insensitive)" : ""}`;
}

function segmentDetail(s: Segment): string {
  const shown = s.ids.slice(0, IDS_SHOWN).join(", ");
  const more = s.ids.length > IDS_SHOWN ? `, … and ${s.ids.length - IDS_SHOWN} more (--json shows all)` : "";
  const lines = [
    `${s.key}  (version ${s.version})`,
    s.description ? `  ${s.description}` : undefined,
    `  ids (${s.ids.length}, matched on ${s.idAttribute}): ${s.ids.length ? shown + more : "-"}`,
    s.conditions.length
      ? `  conditions (a context for which all hold is in it):\n${s.conditions.map((c) => `    ${conditionText(c)}`).join("\n")}`
      : "  conditions: -",
    s.usedBy.length
      ? `  used by:\n${s.usedBy.map((u) => `    ${u.flag} in ${u.environment} (rule ${u.rules.join(", ")})`).join("\n")}`
      : "  used by: no rule",
    `  created ${time(s.createdAt)}, updated ${time(s.updatedAt)}`,
  ];
  return lines.filter((l) => l !== undefined).join("\n");
}
