import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

/**
 * A secret the API answers once (a new or rotated token, a webhook's signing secret): shown in
 * this notice only, with Copy, until the person says it is stored. Nothing else keeps it.
 */
export function SecretNotice(props: {
  /** Prefix of the element ids (two notices never share one). */
  id: string;
  title: string;
  /** The accessible name of the secret's box, e.g. "New token secret". */
  label: string;
  secret: string;
  onDone: () => void;
  children: ComponentChildren;
}) {
  const [copied, setCopied] = useState(false);
  const box = useRef<HTMLInputElement>(null);
  // The action that answered it may be far down the page: bring the secret into view, selected.
  useEffect(() => {
    setCopied(false);
    box.current?.scrollIntoView({ block: "center" });
    box.current?.focus({ preventScroll: true });
  }, [props.secret]);
  return (
    <div class="notice notice-good secret" role="alert" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.children}
      <div class="secret-row">
        <label for={`${props.id}-value`} class="sr-only">
          {props.label}
        </label>
        <input
          ref={box}
          id={`${props.id}-value`}
          class="mono"
          readOnly
          value={props.secret}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          type="button"
          class="btn"
          onClick={() =>
            navigator.clipboard?.writeText(props.secret).then(
              () => setCopied(true),
              () => {},
            )
          }
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" class="btn btn-primary" onClick={props.onDone}>
          I have stored it
        </button>
      </div>
    </div>
  );
}
