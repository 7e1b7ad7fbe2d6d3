// AWS Chatbot (Amazon Q Developer in chat applications) custom-notification schema, as its documentation
// publishes it: required `version` "1.0", `source` "custom", `content.description`; optional `id`,
// `content.textType` ("client-markdown"), `content.title`, `content.nextSteps[]`, `content.keywords[]`,
// `metadata.{threadId, summary, eventType, relatedResources[], additionalContext{}}`. Unknown keys are
// reported (stricter than Chatbot) so a typo fails a test instead of silently rendering nothing.
const TOP = ['version', 'source', 'id', 'content', 'metadata'];
const CONTENT = ['textType', 'title', 'description', 'nextSteps', 'keywords'];
const METADATA = ['threadId', 'summary', 'eventType', 'relatedResources', 'additionalContext'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');

export function validateChatbotNotification(value: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(value)) return ['not a JSON object'];
  for (const key of Object.keys(value)) if (!TOP.includes(key)) errors.push(`unknown key ${key}`);
  if (value.version !== '1.0') errors.push('version must be "1.0"');
  if (value.source !== 'custom') errors.push('source must be "custom"');
  if (value.id !== undefined && typeof value.id !== 'string') errors.push('id must be a string');
  const content = value.content;
  if (!isObject(content)) errors.push('content is required');
  else {
    for (const key of Object.keys(content)) if (!CONTENT.includes(key)) errors.push(`unknown key content.${key}`);
    if (typeof content.description !== 'string' || content.description.trim() === '') errors.push('content.description is required');
    if (content.textType !== undefined && content.textType !== 'client-markdown') errors.push('content.textType must be "client-markdown"');
    if (content.title !== undefined && typeof content.title !== 'string') errors.push('content.title must be a string');
    for (const key of ['nextSteps', 'keywords'])
      if (content[key] !== undefined && !isStringArray(content[key])) errors.push(`content.${key} must be strings`);
  }
  if (value.metadata !== undefined) {
    const metadata = value.metadata;
    if (!isObject(metadata)) errors.push('metadata must be an object');
    else {
      for (const key of Object.keys(metadata)) if (!METADATA.includes(key)) errors.push(`unknown key metadata.${key}`);
      for (const key of ['threadId', 'summary', 'eventType'])
        if (metadata[key] !== undefined && typeof metadata[key] !== 'string') errors.push(`metadata.${key} must be a string`);
      if (metadata.relatedResources !== undefined && !isStringArray(metadata.relatedResources))
        errors.push('metadata.relatedResources must be strings');
      if (metadata.additionalContext !== undefined && !isObject(metadata.additionalContext))
        errors.push('metadata.additionalContext must be an object');
    }
  }
  return errors;
}
