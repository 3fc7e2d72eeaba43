/**
 * Exactly-once shipping from Berth's agent, over CloudWatch's own sequence-token protocol: the agent
 * sends `berth-cursor:<before>|<after>`, its position in the container's log before and after the
 * batch. The stream keeps the `after` of the last batch it accepted; a batch whose `before` is not
 * that position was (partly) accepted already, before an agent restart lost its own cursor: it is
 * refused with InvalidSequenceTokenException and `expectedSequenceToken` = the stream's position, and
 * the agent reads on from there. Other sequence tokens are ignored, as CloudWatch ignores them today.
 */
const prefix = "berth-cursor:";

export type ResumeDecision = { readonly accept: true; readonly save?: string | undefined } | { readonly accept: false; readonly expected: string };

export function decideResume(sequenceToken: string | undefined, stored: string | undefined): ResumeDecision {
  if (sequenceToken === undefined || !sequenceToken.startsWith(prefix)) return { accept: true };
  const bar = sequenceToken.indexOf("|");
  if (bar < 0) return { accept: true };
  const before = sequenceToken.slice(prefix.length, bar);
  const after = sequenceToken.slice(bar + 1);
  if (stored === undefined || stored === before) return { accept: true, save: after };
  return { accept: false, expected: stored };
}

export const resumeToken = (before: string, after: string): string => `${prefix}${before}|${after}`;
