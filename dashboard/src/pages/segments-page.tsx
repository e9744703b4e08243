import { useState } from "preact/hooks";
import { ApiError, api, errorText } from "../api";
import type { Condition, Segment } from "../api-types";
import { ConfirmAction } from "../components/confirm-action";
import { ErrorNote } from "../components/error-note";
import { SegmentForm } from "../components/segment-form";
import { whenShort } from "../format";
import { notify, useLive } from "../live";
import { flagHref } from "../router";

/** How many of a segment's ids the list shows. */
const IDS_SHOWN = 5;

/** What the page says above the list: a save, or a delete the API refused while rules use it. */
type Note =
  | { kind: "saved"; text: string }
  | { kind: "in-use"; key: string; usedBy: Segment["usedBy"] }
  | { kind: "error"; text: string };

const conditionText = (c: Condition) =>
  `${c.attribute} ${c.operator.replace(/_/g, " ")} ${c.values.map((v) => JSON.stringify(v)).join(", ")}${c.caseInsensitive ? " (ignoring case)" : ""}`;

/**
 * Segments: named audiences shared by every environment. List them with the rules that use
 * them, create and edit (one form), delete (refused while a rule uses one: the page says where).
 */
export function SegmentsPage() {
  const list = useLive(async () => (await api.segments()).segments, []);
  // The form open above the list: a new segment, or the segment as it was when Edit was clicked.
  // The edit keeps that copy while the list follows changes, so a change made meanwhile never
  // replaces what is being typed: saving it meets the change as a 412.
  const [open, setOpen] = useState<"new" | Segment | null>(null);
  const editingKey = open && open !== "new" ? open.key : null;
  const [note, setNote] = useState<Note | null>(null);

  const saved = (s: Segment, verb: string) => {
    setOpen(null);
    setNote({ kind: "saved", text: `${verb} segment ${s.key} (version ${s.version}).` });
    notify();
  };

  const remove = async (key: string) => {
    setNote(null);
    try {
      await api.deleteSegment(key);
      setNote({ kind: "saved", text: `Deleted segment ${key}.` });
      notify();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.problem.usedBy)
        setNote({ kind: "in-use", key, usedBy: e.problem.usedBy });
      else setNote({ kind: "error", text: errorText(e) });
    }
  };

  const segments = list.data ?? [];
  return (
    <section aria-labelledby="segments-title">
      <div class="page-head">
        <h1 id="segments-title">Segments</h1>
        <button
          type="button"
          class="btn btn-primary"
          aria-expanded={open === "new"}
          aria-controls="new-segment"
          onClick={() => setOpen(open === "new" ? null : "new")}
        >
          {open === "new" ? "Close" : "New segment"}
        </button>
      </div>
      <p class="muted">
        A segment is a named audience, shared by every environment: a context is in it when its id is listed,
        or when all its conditions hold. Flag rules reference segments by key.
      </p>
      {open === "new" && <SegmentForm onSaved={(s) => saved(s, "Created")} onCancel={() => setOpen(null)} />}
      {open && open !== "new" && (
        <SegmentForm
          key={open.key}
          segment={open}
          onSaved={(s) => saved(s, "Saved")}
          onCancel={() => setOpen(null)}
        />
      )}
      {note?.kind === "saved" && (
        <p class="notice notice-good" role="status">
          {note.text}
        </p>
      )}
      {note?.kind === "error" && (
        <p class="notice notice-bad" role="alert">
          {note.text}
        </p>
      )}
      {note?.kind === "in-use" && (
        <div class="notice notice-bad in-use" role="alert" aria-labelledby="in-use-title">
          <h2 id="in-use-title">Segment {note.key} is in use and was not deleted</h2>
          <p>Rules of these flags name it. Take it out of them first, then delete it:</p>
          <ul class="in-use-list">
            {note.usedBy.map((u) => (
              <li key={`${u.flag}/${u.environment}`}>
                <a href={flagHref(u.flag, u.environment)}>
                  {u.flag} in {u.environment}
                </a>{" "}
                <span class="muted">(rule {u.rules.join(", ")})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {list.error !== undefined && <ErrorNote error={list.error} />}
      {list.loading && !list.data && <p class="muted">Loading segments…</p>}
      {list.data && segments.length === 0 && (
        <div class="empty">
          <p>No segments yet.</p>
          <p class="muted">Create one with “New segment”, then name it in a flag's targeting rules.</p>
        </div>
      )}
      {segments.length > 0 && (
        <div class="table-scroll">
          <table class="list-table segment-table stack-table">
            <caption class="sr-only">Segments</caption>
            <thead>
              <tr>
                <th scope="col">Segment</th>
                <th scope="col">Ids</th>
                <th scope="col">Conditions</th>
                <th scope="col">Used by</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {segments.map((s) => (
                <tr key={s.key} data-segment={s.key}>
                  <th scope="row">
                    <span class="mono">{s.key}</span>
                    {s.description && <div class="muted small">{s.description}</div>}
                  </th>
                  <td data-label="Ids">
                    {s.ids.length === 0 ? (
                      <span class="muted">none</span>
                    ) : (
                      <>
                        {s.ids.length === 1 ? "1 id" : `${s.ids.length} ids`}{" "}
                        <span class="muted small">by {s.idAttribute}</span>
                        <div class="muted small mono break">
                          {s.ids.slice(0, IDS_SHOWN).join(", ")}
                          {s.ids.length > IDS_SHOWN ? ", …" : ""}
                        </div>
                      </>
                    )}
                  </td>
                  <td data-label="Conditions">
                    {s.conditions.length === 0 ? (
                      <span class="muted">none</span>
                    ) : (
                      <ul class="plain-list small">
                        {s.conditions.map((c, i) => (
                          <li key={i} class="mono">
                            {conditionText(c)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td data-label="Used by">
                    {s.usedBy.length === 0 ? (
                      <span class="muted">no rule</span>
                    ) : (
                      <ul class="plain-list small">
                        {s.usedBy.map((u) => (
                          <li key={`${u.flag}/${u.environment}`}>
                            <a href={flagHref(u.flag, u.environment)}>
                              {u.flag} in {u.environment}
                            </a>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td class="nowrap" data-label="Updated">
                    {whenShort(s.updatedAt)}
                    <div class="muted small">version {s.version}</div>
                  </td>
                  <td class="segment-actions">
                    <span class="row-actions">
                      <button
                        type="button"
                        class="btn btn-small"
                        aria-label={`Edit ${s.key}`}
                        aria-expanded={editingKey === s.key}
                        aria-controls="edit-segment"
                        onClick={() => {
                          setNote(null);
                          setOpen(editingKey === s.key ? null : s);
                        }}
                      >
                        Edit
                      </button>
                      <ConfirmAction
                        label="Delete…"
                        name={`Delete ${s.key}`}
                        confirm="Delete now"
                        onConfirm={() => remove(s.key)}
                      />
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
