import { useState } from "preact/hooks";
import { api, errorText } from "../api";
import type { FlagType, Variant } from "../api-types";
import { FormFooter } from "./form-footer";

const VARIANT_TEMPLATES: Record<Exclude<FlagType, "boolean">, string> = {
  string: '[\n  { "key": "control", "value": "control" },\n  { "key": "new", "value": "new" }\n]',
  number: '[\n  { "key": "low", "value": 10 },\n  { "key": "high", "value": 20 }\n]',
  json: '[\n  { "key": "a", "value": { "layout": "a" } },\n  { "key": "b", "value": { "layout": "b" } }\n]',
};

function parseVariants(text: string): Variant[] {
  const v: unknown = JSON.parse(text);
  if (!Array.isArray(v) || v.length < 2)
    throw new Error("variants must be a JSON array of at least two { key, value }");
  for (const [i, item] of v.entries())
    if (!item || typeof item !== "object" || typeof (item as Variant).key !== "string" || !("value" in item))
      throw new Error(`variant ${i + 1} needs a string "key" and a "value"`);
  return v as Variant[];
}

/** Key, type, description, tags (and variants for non-boolean flags); POST /api/flags. */
export function CreateFlagForm({ onCreated }: { onCreated: (key: string) => void }) {
  const [key, setKey] = useState("");
  const [type, setType] = useState<FlagType>("boolean");
  const [description, setDescription] = useState("");
  const [tags, setTags] = useState("");
  const [variants, setVariants] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const input: Parameters<typeof api.createFlag>[0] = { key: key.trim(), type };
    if (description.trim()) input.description = description.trim();
    const tagList = tags
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    if (tagList.length) input.tags = tagList;
    if (type !== "boolean") {
      try {
        input.variants = parseVariants(variants || VARIANT_TEMPLATES[type]);
      } catch (err) {
        return setError(`Variants: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    setBusy(true);
    try {
      const flag = await api.createFlag(input);
      onCreated(flag.key);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form id="create-flag" class="card form-grid" onSubmit={submit} aria-labelledby="create-flag-title">
      <h2 id="create-flag-title">New flag</h2>
      <div class="field">
        <label for="new-flag-key">Key</label>
        <input
          id="new-flag-key"
          required
          pattern="[a-z0-9][a-z0-9._\-]{0,127}"
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-describedby="new-flag-key-hint"
          placeholder="new-checkout"
        />
        <small id="new-flag-key-hint" class="muted">
          a–z, 0–9, “.”, “_”, “-”; starts with a letter or digit
        </small>
      </div>
      <div class="field">
        <label for="new-flag-type">Type</label>
        <select
          id="new-flag-type"
          value={type}
          onChange={(e) => {
            const t = e.currentTarget.value as FlagType;
            setType(t);
            if (t !== "boolean") setVariants(VARIANT_TEMPLATES[t]);
          }}
        >
          <option value="boolean">boolean</option>
          <option value="string">string</option>
          <option value="number">number</option>
          <option value="json">json</option>
        </select>
      </div>
      <div class="field field-wide">
        <label for="new-flag-description">Description</label>
        <input
          id="new-flag-description"
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </div>
      <div class="field field-wide">
        <label for="new-flag-tags">Tags (comma-separated)</label>
        <input
          id="new-flag-tags"
          value={tags}
          onInput={(e) => setTags(e.currentTarget.value)}
          placeholder="checkout, web"
        />
      </div>
      {type !== "boolean" && (
        <div class="field field-wide">
          <label for="new-flag-variants">Variants (JSON)</label>
          <textarea
            id="new-flag-variants"
            rows={5}
            class="mono"
            value={variants}
            onInput={(e) => setVariants(e.currentTarget.value)}
          />
        </div>
      )}
      <FormFooter error={error} submit={busy ? "Creating…" : "Create flag"} disabled={busy} />
    </form>
  );
}
