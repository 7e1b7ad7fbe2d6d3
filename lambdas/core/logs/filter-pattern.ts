// The default subscription filter pattern (CloudWatch Logs filter syntax: `?term` ORs terms, a quoted
// term may hold punctuation). One pattern, because a log group takes at most two subscription filters
// and the operator may need the other. Terms, by rule:
//   traceback                 Traceback
//   quota_exceeded_sustained  quota_exceeded
//   key_revoked_in_use        key_revoked
//   prompt_exposure           messages (request bodies), "prompt=", "completion=" (key=value logs)
//   log_noise                 DeprecationWarning, FutureWarning, deprecated
// A JSON `"prompt": "..."` field arrives only with another term on its line; add `?prompt` to a log
// group's own pattern to catch those too (it also matches every `prompt_tokens` line, hence not default).
export const DEFAULT_LOG_FILTER_PATTERN =
  '?Traceback ?quota_exceeded ?key_revoked ?messages ?"prompt=" ?"completion=" ?DeprecationWarning ?FutureWarning ?deprecated';
