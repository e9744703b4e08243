import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, errorText } from "../api";
import type { Segment, SegmentInput } from "../api-types";
import { type ConditionDraft, ConditionsEditor, conditionDraft, readConditions } from "./conditions-editor";
import { FormFooter } from "./form-footer";

/** Ids as a person pastes them: one per line or comma-separated, each once, in order. */
export function parseIds(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,]/)
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * One form for a new segment (POST) and for changing one (PATCH with If-Match on the version it
 * was opened at): key, description, id attribute, ids and conditions. A 412 keeps the edit and
 * says so; `onSaved` hears the segment as the API answered it.
 */
export function SegmentForm(props: {
  /** The segment being changed; none: a new one. */
  segment?: Segment;
  onSaved: (segment: Segment) => void;
  onCancel: () => void;
}) {
  const editing = props.segment;
  const [key, setKey] = useState("");
  const [description, setDescription] = useState(editing?.description ?? "");
  const [idAttribute, setIdAttribute] = useState(editing?.idAttribute ?? "userId");
  const [ids, setIds] = useState(editing?.ids.join("\n") ?? "");
  const [conditions, setConditions] = useState<ConditionDraft[]>(
    editing?.conditions.map(conditionDraft) ?? [],
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const prefix = editing ? "edit-segment" : "new-segment";
  const titleId = `${prefix}-title`;
  const idList = parseIds(ids);
  const form = useRef<HTMLFormElement>(null);
  // An edit opens above the list, maybe far from the row clicked: bring it into view, focused.
  useEffect(() => {
    if (!editing) return;
    form.current?.scrollIntoView({ block: "start" });
    form.current?.querySelector<HTMLElement>("input, textarea")?.focus({ preventScroll: true });
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const parsed = readConditions(conditions);
    if (parsed instanceof Error) return setError(parsed.message);
    const input: SegmentInput = {
      description: description.trim(),
      idAttribute: idAttribute.trim() || "userId",
      ids: idList,
      conditions: parsed,
    };
    setBusy(true);
    try {
      props.onSaved(
        editing
          ? await api.updateSegment(editing.key, input, editing.version)
          : await api.createSegment({ key: key.trim(), ...input }),
      );
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 412
          ? `Someone changed this segment since you opened it (it is at version ${err.problem.currentVersion ?? "?"} now). Your edit is still here: cancel and edit again to start from theirs.`
          : errorText(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} id={prefix} class="card form-grid" onSubmit={submit} aria-labelledby={titleId}>
      <h2 id={titleId}>
        {editing ? (
          <>
            Edit segment <span class="mono">{editing.key}</span>
          </>
        ) : (
          "New segment"
        )}
      </h2>
      {!editing && (
        <div class="field">
          <label for={`${prefix}-key`}>Key</label>
          <input
            id={`${prefix}-key`}
            required
            pattern="[a-z0-9][a-z0-9._\-]{0,127}"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
            aria-describedby={`${prefix}-key-hint`}
            placeholder="beta-testers"
          />
          <small id={`${prefix}-key-hint`} class="muted">
            a–z, 0–9, “.”, “_”, “-”; rules name it
          </small>
        </div>
      )}
      <div class="field">
        <label for={`${prefix}-attribute`}>Id attribute</label>
        <input
          id={`${prefix}-attribute`}
          value={idAttribute}
          onInput={(e) => setIdAttribute(e.currentTarget.value)}
          aria-describedby={`${prefix}-attribute-hint`}
        />
        <small id={`${prefix}-attribute-hint`} class="muted">
          the context attribute matched against the ids
        </small>
      </div>
      <div class={editing ? "field" : "field field-wide"}>
        <label for={`${prefix}-description`}>Description</label>
        <input
          id={`${prefix}-description`}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
          placeholder="signed up for the beta"
        />
      </div>
      <div class="field field-wide">
        <label for={`${prefix}-ids`}>Ids (one per line or comma-separated)</label>
        <textarea
          id={`${prefix}-ids`}
          class="mono"
          rows={Math.min(8, Math.max(3, idList.length + 1))}
          value={ids}
          onInput={(e) => setIds(e.currentTarget.value)}
          aria-describedby={`${prefix}-ids-count`}
          placeholder={"user-1\nuser-2"}
        />
        <small id={`${prefix}-ids-count`} class="muted">
          {idList.length === 1 ? "1 id" : `${idList.length} ids`} (up to 10,000)
        </small>
      </div>
      <ConditionsEditor id={`${prefix}-condition`} conditions={conditions} onChange={setConditions} />
      <FormFooter error={error} submit={editing ? "Save segment" : "Create segment"} disabled={busy}>
        <button type="button" class="btn" onClick={props.onCancel}>
          Cancel
        </button>
      </FormFooter>
    </form>
  );
}
