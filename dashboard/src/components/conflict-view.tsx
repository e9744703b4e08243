import type { FlagState, FlagStatePatch } from "../api-types";
import { PATCH_FIELDS } from "../state-draft";
import { show } from "./value-text";

export interface Conflict {
  /** The state the edit was based on (the version sent as If-Match). */
  base: FlagState;
  /** The state on the server now. */
  current: FlagState;
  /** The edit that was refused. */
  mine: FlagStatePatch;
}

/**
 * A 412: someone changed the state between our read and our write. Shows, per field, what we
 * read, what the server has now and what we meant to set; re-apply sends our edit again on
 * top of the current version, drop takes the server's state.
 */
export function ConflictView({
  conflict,
  busy,
  onReapply,
  onDrop,
}: {
  conflict: Conflict;
  busy: boolean;
  onReapply: () => void;
  onDrop: () => void;
}) {
  const { base, current, mine } = conflict;
  const fields = PATCH_FIELDS.filter(
    (f) => f in mine || JSON.stringify(base[f]) !== JSON.stringify(current[f]),
  );
  return (
    <div
      class="conflict"
      role="alertdialog"
      aria-labelledby="conflict-title"
      aria-describedby="conflict-desc"
    >
      <h3 id="conflict-title">Someone else changed this flag</h3>
      <p id="conflict-desc">
        You edited version {base.version}; the server is at version {current.version}. Your change was not
        applied.
      </p>
      <div class="table-scroll">
        <table class="conflict-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">You read</th>
              <th scope="col">Server now</th>
              <th scope="col">Your edit</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => {
              const changedThere = JSON.stringify(base[f]) !== JSON.stringify(current[f]);
              return (
                <tr key={f} data-field={f} class={changedThere ? "changed-there" : undefined}>
                  <th scope="row">{f}</th>
                  <td>{show(base[f])}</td>
                  <td>
                    {show(current[f])}
                    {changedThere && <span class="badge badge-warn">changed</span>}
                  </td>
                  <td>{f in mine ? show(mine[f]) : <span class="muted">unchanged</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div class="actions">
        <button type="button" class="btn btn-primary" onClick={onReapply} disabled={busy}>
          Re-apply my edit
        </button>
        <button type="button" class="btn" onClick={onDrop} disabled={busy}>
          Drop my edit
        </button>
      </div>
    </div>
  );
}
