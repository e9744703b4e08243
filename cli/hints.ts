/**
 * What to type next after the API refused something. The server's `detail` says what is wrong;
 * these lines say which command helps, so a person never has to read the API docs to recover.
 */
export interface HintContext {
  url: string;
  /** The command as typed, e.g. "flags set", for "`rollguard flags set --help`". */
  command: string;
}

export function hintFor(status: number, detail: string, problem: Record<string, unknown>, ctx: HintContext) {
  if (status === 401)
    return `set ROLLGUARD_TOKEN, pass --token, or run \`rollguard login --url ${ctx.url} --token <admin token>\``;
  if (status === 403)
    return "these commands need an admin token: set ROLLGUARD_TOKEN or run `rollguard login` with one";
  if (status === 404) return notFoundHint(detail);
  if (status === 412) {
    const version = typeof problem.currentVersion === "number" ? String(problem.currentVersion) : "<version>";
    const flag = /^flag `([^`]+)`/.exec(detail)?.[1];
    const segment = /^segment `([^`]+)`/.exec(detail)?.[1];
    const read = flag
      ? ` (\`rollguard flags get ${flag}\`)`
      : segment
        ? ` (\`rollguard segments get ${segment}\`)`
        : "";
    return `someone changed it meanwhile: read it again${read}, then retry with --if-match ${version}`;
  }
  if (status === 409) return conflictHint(problem);
  if (status >= 400 && status < 500) return `\`rollguard ${ctx.command} --help\` shows the options`;
  return undefined;
}

// Keyed on the subject the server names first in its detail ("flag `x` does not exist"); an
// unrecognised detail simply gets no hint.
function notFoundHint(detail: string): string | undefined {
  if (/no active plan/.test(detail)) return "`rollguard plans start KEY --env ENV` starts one";
  if (/has no guard/.test(detail))
    return "`rollguard guard set KEY --env ENV --rule errors-vs-control` adds one";
  if (/^flag `/.test(detail)) return "`rollguard flags list` shows the keys";
  if (/^segment `/.test(detail)) return "`rollguard segments list` shows the keys";
  if (/^environment `/.test(detail)) return "`rollguard environments list` shows the environments";
  if (/^plan `/.test(detail)) return "`rollguard plans list KEY --env ENV` shows a flag's plans";
  if (/token/i.test(detail)) return "`rollguard tokens list` shows the ids";
  return undefined;
}

/** A segment still in use: which commands change the rules that hold it (the detail names them). */
function conflictHint(problem: Record<string, unknown>): string | undefined {
  const uses = problem.usedBy;
  if (!String(problem.type ?? "").endsWith("/segment-in-use") || !Array.isArray(uses) || uses.length === 0)
    return undefined;
  const first = uses[0] as { flag?: string; environment?: string };
  return (
    `take it out of those rules first: \`rollguard flags get ${first.flag}\` shows them, ` +
    `\`rollguard flags set ${first.flag} --env ${first.environment} --rules-file rules.json\` replaces them`
  );
}
