/** Escaping for the two contexts the report writes text into: HTML and inline <script> JSON. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON that can sit inside <script type="application/json">: every '<' becomes \u003c, so neither
 * '</script>' nor '<!--' in a target name or title can end the script element early; the line
 * separators are escaped too so the text stays valid in every JS parser.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
