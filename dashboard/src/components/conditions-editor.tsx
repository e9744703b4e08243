import { OPERATORS, TEXT_OPERATORS } from "../../../sdk/core/types";
import type { Condition } from "../api-types";

/** One condition as the form holds it: the values as typed. */
export interface ConditionDraft {
  attribute: string;
  operator: string;
  values: string;
  caseInsensitive: boolean;
  /** The values as read, kept while their text is unchanged (a number stays a number). */
  read?: { text: string; values: Condition["values"] };
}

const NUMERIC = new Set(["lt", "lte", "gt", "gte"]);
/** A pattern may hold commas, so a regex operator takes the whole text as one pattern. */
const PATTERN = new Set(["matches", "not_matches"]);
const TEXT: ReadonlySet<string> = new Set(TEXT_OPERATORS);

export const emptyCondition = (): ConditionDraft => ({
  attribute: "",
  operator: "in",
  values: "",
  caseInsensitive: false,
});

export function conditionDraft(c: Condition): ConditionDraft {
  const text = c.values.join(", ");
  return {
    attribute: c.attribute,
    operator: c.operator,
    values: text,
    caseInsensitive: c.caseInsensitive === true,
    read: { text, values: c.values },
  };
}

/** The conditions to send, or the first reason one cannot be sent (naming its row). */
export function readConditions(drafts: ConditionDraft[]): Condition[] | Error {
  const out: Condition[] = [];
  for (const [i, d] of drafts.entries()) {
    const where = `Condition ${i + 1}`;
    if (!d.attribute.trim()) return new Error(`${where}: name the context attribute`);
    let values: Condition["values"];
    if (d.read && d.read.text === d.values) values = d.read.values;
    else if (PATTERN.has(d.operator)) values = d.values.trim() ? [d.values.trim()] : [];
    else
      values = d.values
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean);
    if (values.length === 0) return new Error(`${where}: give at least one value`);
    if (NUMERIC.has(d.operator)) {
      const numbers = values.map(Number);
      if (numbers.some((n) => Number.isNaN(n))) return new Error(`${where}: ${d.operator} compares numbers`);
      values = numbers;
    }
    const c: Condition = { attribute: d.attribute.trim(), operator: d.operator, values };
    if (d.caseInsensitive && TEXT.has(d.operator)) c.caseInsensitive = true;
    out.push(c);
  }
  return out;
}

/** Rows of attribute, operator, values: every one must hold for a context to be in. */
export function ConditionsEditor(props: {
  id: string;
  conditions: ConditionDraft[];
  onChange: (next: ConditionDraft[]) => void;
}) {
  const { conditions, onChange } = props;
  const set = (i: number, patch: Partial<ConditionDraft>) =>
    onChange(conditions.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset class="field field-wide conditions">
      <legend>Conditions (a context for which all hold is in the segment)</legend>
      {conditions.length === 0 && <p class="muted small">None: only the ids above are in it.</p>}
      {conditions.map((c, i) => {
        const id = (part: string) => `${props.id}-${i}-${part}`;
        return (
          <fieldset class="condition-row" key={i}>
            <legend class="sr-only">Condition {i + 1}</legend>
            <div class="field">
              <label for={id("attribute")} class="small">
                Attribute
              </label>
              <input
                id={id("attribute")}
                value={c.attribute}
                onInput={(e) => set(i, { attribute: e.currentTarget.value })}
                placeholder="email"
              />
            </div>
            <div class="field">
              <label for={id("operator")} class="small">
                Operator
              </label>
              <select
                id={id("operator")}
                value={c.operator}
                onChange={(e) => set(i, { operator: e.currentTarget.value })}
              >
                {OPERATORS.map((o) => (
                  <option key={o} value={o}>
                    {o.replace(/_/g, " ")}
                  </option>
                ))}
              </select>
            </div>
            <div class="field condition-values">
              <label for={id("values")} class="small">
                {PATTERN.has(c.operator) ? "Pattern" : "Values (comma-separated)"}
              </label>
              <input
                id={id("values")}
                value={c.values}
                onInput={(e) => set(i, { values: e.currentTarget.value })}
                placeholder={PATTERN.has(c.operator) ? "^admin-[0-9]+$" : "@corp.example"}
              />
            </div>
            <div class="condition-end">
              {TEXT.has(c.operator) && (
                <label class="check small">
                  <input
                    type="checkbox"
                    checked={c.caseInsensitive}
                    onChange={(e) => set(i, { caseInsensitive: e.currentTarget.checked })}
                  />
                  ignore case
                </label>
              )}
              <button
                type="button"
                class="btn btn-small"
                aria-label={`Remove condition ${i + 1}`}
                onClick={() => onChange(conditions.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </div>
          </fieldset>
        );
      })}
      <div>
        <button
          type="button"
          class="btn btn-small"
          onClick={() => onChange([...conditions, emptyCondition()])}
        >
          Add condition
        </button>
      </div>
    </fieldset>
  );
}
