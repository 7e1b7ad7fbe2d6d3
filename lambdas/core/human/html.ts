// Text placed into the ack pages' HTML: every character that could open markup or an attribute is escaped.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** The `name` field of an `application/x-www-form-urlencoded` body (the ack page's form). */
export function formField(body: string, field: string): string | undefined {
  return new URLSearchParams(body).get(field) ?? undefined;
}
