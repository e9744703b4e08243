import { errorText } from "../api";

export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  return (
    <p class="notice notice-bad" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {errorText(error)}
    </p>
  );
}
