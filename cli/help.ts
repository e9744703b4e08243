import type { Command } from "commander";

/** Every command's help ends with runnable examples; one shape for all of them. */
export function examples(cmd: Command, ...lines: string[]): Command {
  return cmd.addHelpText(
    "after",
    `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  $ ${l}`).join("\n")}`,
  );
}
