import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

/**
 * A button whose action is asked for twice: "Revoke…" shows "Revoke now" and "Keep" in its place
 * (and `children`, options of the action such as a grace period), so one click never destroys.
 * `open`/`onOpenChange` let a row show one question at a time; without them it keeps its own.
 */
export function ConfirmAction(props: {
  /** The first button's text, e.g. "Revoke…". */
  label: string;
  /** Its accessible name, naming what it acts on: "Revoke checkout service". */
  name: string;
  /** The second button's text, e.g. "Revoke now". */
  confirm: string;
  cancel?: string;
  /** The confirming button is red (default) or the primary blue, for what can be undone. */
  danger?: boolean;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  onConfirm: () => void | Promise<void>;
  children?: ComponentChildren;
}) {
  const [own, setOwn] = useState(false);
  const asking = props.open ?? own;
  const ask = (open: boolean) => {
    setOwn(open);
    props.onOpenChange?.(open);
  };
  if (!asking)
    return (
      <button type="button" class="btn btn-small" aria-label={props.name} onClick={() => ask(true)}>
        {props.label}
      </button>
    );
  return (
    <span class="confirm">
      {props.children}
      <button
        type="button"
        class={`btn btn-small ${props.danger === false ? "btn-primary" : "btn-danger"}`}
        onClick={() => {
          ask(false);
          void props.onConfirm();
        }}
      >
        {props.confirm}
      </button>
      <button type="button" class="btn btn-small" onClick={() => ask(false)}>
        {props.cancel ?? "Keep"}
      </button>
    </span>
  );
}
