// The default subscription filter pattern (CloudWatch Logs filter syntax: `?term` ORs terms, a quoted
// term may hold punctuation). One pattern, because a log group takes at most two subscription filters
// and the operator may need the other. Terms, by rule:
//   traceback                 Traceback
//   quota_exceeded_sustained  quota_exceeded
//   key_revoked_in_use        key_revoked
//   prompt_exposure           messages (request bodies), "prompt=", "completion=" (key=value logs),
//                             content (a logged response: `content=[TextBlock(...)]`, `"content": "..."`),
//                             input_value (pydantic v2's echo of a rejected input)
//   trace_db_log_error        "disk image is malformed", "database or disk is full" (logged without a traceback too)
//   log_noise                 DeprecationWarning, FutureWarning, deprecated
// A JSON `"prompt": "..."` field arrives only with another term on its line; add `?prompt` to a log
// group's own pattern to catch those too (it also matches every `prompt_tokens` line, hence not default).
export const DEFAULT_LOG_FILTER_PATTERN =
  '?Traceback ?quota_exceeded ?key_revoked ?messages ?"prompt=" ?"completion=" ?content ?input_value ' +
  '?"disk image is malformed" ?"database or disk is full" ?DeprecationWarning ?FutureWarning ?deprecated';
