// The anomaly flags a stored response may carry (Response.flags). A flagged response is never
// dropped: it counts like any other, and officials see the flags in words in the export (the
// words are in the locales under `export.flags.*`; the codes themselves never reach people).
//  - too_fast:      the survey was completed within 15 seconds of its start;
//  - perfect_burst: all-best answers, the fifth or later at one unit within 10 minutes.
export const RESPONSE_FLAGS = ['too_fast', 'perfect_burst'] as const;
export type ResponseFlag = (typeof RESPONSE_FLAGS)[number];

export function isResponseFlag(code: string): code is ResponseFlag {
  return (RESPONSE_FLAGS as readonly string[]).includes(code);
}
