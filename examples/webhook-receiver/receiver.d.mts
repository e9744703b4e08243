/** True when `header` (Rollguard-Signature) signs `body` (the raw text) with one of `secrets`. */
export function verifyRollguardSignature(
  header: string | string[] | undefined,
  body: string,
  secrets: readonly string[],
  nowS?: number,
): boolean;
