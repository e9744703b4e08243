import type { ComponentChildren } from "preact";

/**
 * The end of every form: the refusal the server gave (announced to screen readers), then the
 * submit button and any other actions beside it.
 */
export function FormFooter(props: {
  error: string | null;
  /** The submit button's label. */
  submit: ComponentChildren;
  disabled: boolean;
  children?: ComponentChildren;
}) {
  return (
    <>
      {props.error && (
        <p class="error field-wide" role="alert">
          {props.error}
        </p>
      )}
      <div class="actions field-wide">
        <button type="submit" class="btn btn-primary" disabled={props.disabled}>
          {props.submit}
        </button>
        {props.children}
      </div>
    </>
  );
}
