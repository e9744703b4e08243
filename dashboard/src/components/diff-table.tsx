import { diffFields } from "../diff";
import { show } from "./value-text";

/** Before/after of an audit event, one row per changed field. */
export function DiffTable({ before, after }: { before: unknown; after: unknown }) {
  if ((before === null || before === undefined) && (after === null || after === undefined))
    return <p class="muted small">No state change: an event (see its detail).</p>;
  const changes = diffFields(before ?? null, after ?? null);
  if (changes.length === 0) return <p class="muted small">No field changed.</p>;
  return (
    <div class="table-scroll">
      <table class="diff-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.path} data-path={c.path}>
              <th scope="row">
                <code>{c.path}</code>
              </th>
              <td class="diff-before">
                {c.before === undefined ? <span class="muted">–</span> : show(c.before)}
              </td>
              <td class="diff-after">
                {c.after === undefined ? <span class="muted">–</span> : show(c.after)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
