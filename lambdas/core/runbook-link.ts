// Deep link into the operator's copy of the runbook: base URL plus a slug of the section name.

export function runbookUrl(baseUrl: string, section: string | undefined): string {
  if (!section) return baseUrl;
  const slug = section
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug ? `${baseUrl}#${slug}` : baseUrl;
}
